import { describe, expect, it } from 'vitest';
import { byCategory, editCommands, type Asset } from './model';

const hall: Asset = { category: 'facilities', title: 'Salen', description: '200 pladser', contact_staff_id: null };

describe('editCommands', () => {
  it('sends nothing when nothing changed', () => {
    expect(editCommands('a1', hall, { ...hall, title: ' Salen ' })).toEqual([]);
  });

  it('rewrites the text and names the contact as two commands', () => {
    expect(editCommands('a1', hall, { ...hall, description: '250 pladser', contact_staff_id: 's1' })).toEqual([
      { type: 'UpdateAsset', asset_id: 'a1', category: 'facilities', title: 'Salen', description: '250 pladser' },
      { type: 'SetAssetContact', asset_id: 'a1', contact_staff_id: 's1' },
    ]);
  });

  it('takes the contact away', () => {
    expect(editCommands('a1', { ...hall, contact_staff_id: 's1' }, hall)).toEqual([
      { type: 'SetAssetContact', asset_id: 'a1', contact_staff_id: null },
    ]);
  });
});

describe('byCategory', () => {
  it("groups in the method's order and leaves empty categories out", () => {
    const groups = byCategory([
      { category: 'digital_resources', title: 'eReolen' },
      { category: 'facilities', title: 'Salen' },
      { category: 'facilities', title: 'Mødelokale' },
    ]);
    expect(groups.map((group) => group.category)).toEqual(['facilities', 'digital_resources']);
    expect(groups[0]?.items.map((item) => item.title)).toEqual(['Mødelokale', 'Salen']);
  });
});
