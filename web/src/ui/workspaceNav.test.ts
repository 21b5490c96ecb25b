import { describe, expect, it } from 'vitest';
import { parseRoute } from './routes';
import { sectionPath, sectionsFor, workspacePlace, WORKSPACE_SECTIONS } from './workspaceNav';

const demo = { workspace_id: 'f5a55859-ef1a-533e-a356-7737f6868912', slug: 'roskilde-bibliotekerne' };

describe('the workspace navigation', () => {
  it('knows which page of a workspace every address is on, and whether it is that page itself', () => {
    const at = (path: string) => workspacePlace(parseRoute(path, ''));
    expect(at('/w/roskilde-bibliotekerne')).toEqual({ workspaceId: 'roskilde-bibliotekerne', section: 'map', exact: true });
    expect(at('/w/abc/boards')).toEqual({ workspaceId: 'abc', section: 'boards', exact: true });
    expect(at('/w/abc/boards/b1')).toEqual({ workspaceId: 'abc', section: 'boards', exact: false });
    expect(at('/w/abc/boards/b1/summary')).toEqual({ workspaceId: 'abc', section: 'boards', exact: false });
    expect(at('/w/abc/partnerships')).toEqual({ workspaceId: 'abc', section: 'partnerships', exact: true });
    expect(at('/w/abc/partnerships/p1')).toEqual({ workspaceId: 'abc', section: 'partnerships', exact: false });
    expect(at('/w/abc/portfolio')).toEqual({ workspaceId: 'abc', section: 'portfolio', exact: true });
    expect(at('/w/abc/assets')).toEqual({ workspaceId: 'abc', section: 'assets', exact: true });
    expect(at('/w/abc/audit')).toEqual({ workspaceId: 'abc', section: 'audit', exact: true });
    expect(at('/w/abc/audit/print')).toEqual({ workspaceId: 'abc', section: 'audit', exact: false });
    expect(at('/w/abc/members')).toEqual({ workspaceId: 'abc', section: 'members', exact: true });
    for (const outside of ['/', '/account', '/vi-kan', '/join', '/invite']) expect(at(outside)).toBeNull();
  });

  it('every page it links to is read back by the router as that page', () => {
    for (const section of WORKSPACE_SECTIONS) {
      const place = workspacePlace(parseRoute(sectionPath(section, demo), ''));
      expect(place).toMatchObject({ section, exact: true });
    }
  });

  it('addresses pages by the slug, boards by the id (the websocket takes the id)', () => {
    expect(sectionPath('map', demo)).toBe('/w/roskilde-bibliotekerne');
    expect(sectionPath('portfolio', demo)).toBe('/w/roskilde-bibliotekerne/portfolio');
    expect(sectionPath('boards', demo)).toBe(`/w/${demo.workspace_id}/boards`);
    expect(sectionPath('assets', { workspace_id: 'abc', slug: null })).toBe('/w/abc/assets');
  });

  it('shows the audit trail to all but viewers and guests, the members page to owners', () => {
    expect(sectionsFor('owner')).toEqual(WORKSPACE_SECTIONS);
    expect(sectionsFor('editor')).toEqual(['map', 'boards', 'partnerships', 'portfolio', 'assets', 'audit']);
    expect(sectionsFor('auditor')).toContain('audit');
    expect(sectionsFor('viewer')).toEqual(['map', 'boards', 'partnerships', 'portfolio', 'assets']);
    expect(sectionsFor('guest')).not.toContain('audit');
  });
});
