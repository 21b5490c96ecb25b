// The assets list as the app reads it (`GET .../assets`, `GET /api/public/assets/<token>`),
// and the pure steps of editing it: which commands an edit needs, and the list grouped by
// category in the method's order.
import type { AssetCategory, Command } from '../protocol/command';

/** An asset as `GET /api/workspaces/<id>/assets` lists it (by id). */
export interface Asset {
  readonly category: AssetCategory;
  readonly title: string;
  readonly description: string;
  readonly contact_staff_id: string | null;
}

/** A colleague who can be named as an asset's contact. */
export interface Colleague {
  readonly id: string;
  readonly name: string;
  readonly team: string;
}

/** The public page's answer: the library's name and its assets, nothing else. */
export interface PublicAssets {
  readonly library: string;
  readonly assets: readonly {
    readonly category: AssetCategory;
    readonly title: string;
    readonly description: string;
    readonly contact: { readonly name: string; readonly team: string } | null;
  }[];
}

/** The categories in the method's order ("Vi kan – Vil du?"). */
export const CATEGORIES: readonly AssetCategory[] = [
  'contact_surface',
  'trust',
  'facilities',
  'information_resources',
  'opening_hours_and_visitors',
  'competences',
  'physical_resources',
  'economic_resources',
  'digital_resources',
];

/** The fields a person edits. */
export interface AssetDraft {
  readonly category: AssetCategory;
  readonly title: string;
  readonly description: string;
  readonly contact_staff_id: string | null;
}

/** The commands that turn `before` into `draft` (none when nothing changed). */
export function editCommands(assetId: string, before: Asset, draft: AssetDraft): Command[] {
  const commands: Command[] = [];
  const title = draft.title.trim();
  const description = draft.description.trim();
  if (draft.category !== before.category || title !== before.title || description !== before.description) {
    commands.push({ type: 'UpdateAsset', asset_id: assetId, category: draft.category, title, description });
  }
  if ((draft.contact_staff_id ?? null) !== (before.contact_staff_id ?? null)) {
    commands.push({ type: 'SetAssetContact', asset_id: assetId, contact_staff_id: draft.contact_staff_id });
  }
  return commands;
}

/** Items grouped by category, in the method's order, each group by title; empty groups left out. */
export function byCategory<T extends { readonly category: AssetCategory; readonly title: string }>(
  items: readonly T[],
): { readonly category: AssetCategory; readonly items: readonly T[] }[] {
  return CATEGORIES.map((category) => ({
    category,
    items: items.filter((item) => item.category === category).sort((a, b) => a.title.localeCompare(b.title, 'da')),
  })).filter((group) => group.items.length > 0);
}
