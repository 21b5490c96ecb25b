// Words for the values of the network view, in the UI language.
import { t } from '../i18n';
import type { NetworkEdge, NetworkNode } from '../store/views';

export const kindLabel = (node: NetworkNode): string => t(`kind.${node.kind}`);
export const edgeKindLabel = (edge: NetworkEdge): string => t(`edge.${edge.kind}`);
export const sectorLabel = (node: NetworkNode): string => (node.sector ? t(`sector.${node.sector}`) : '');
export const levelLabel = (level: NetworkNode['level']): string => (level ? t(`level.${level}`) : '');
