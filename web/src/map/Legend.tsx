// What the map's colours mean: sectors, the network circle's levels, the library's own nodes.
import { t } from '../i18n';
import { KIND_COLOURS, LEVEL_COLOURS, SECTOR_COLOURS } from './colours';
import { LEVELS, SECTORS } from '../vocabulary';

export function Legend() {
  return (
    <section class="legend" aria-labelledby="legend-title">
      <h2 id="legend-title">{t('legend.title')}</h2>
      <h3>{t('legend.sectors')}</h3>
      <ul>
        {SECTORS.map((sector) => (
          <li key={sector}>
            <span class="swatch swatch-node" style={{ background: SECTOR_COLOURS[sector] }} aria-hidden="true" />
            {t(`sector.${sector}`)}
          </li>
        ))}
      </ul>
      <h3>{t('legend.levels')}</h3>
      <ul>
        {LEVELS.map((level) => (
          <li key={level}>
            <span class="swatch swatch-edge" style={{ background: LEVEL_COLOURS[level] }} aria-hidden="true" />
            {t(`level.${level}`)}
          </li>
        ))}
      </ul>
      <h3>{t('legend.others')}</h3>
      <ul>
        {(['library', 'team', 'staff'] as const).map((kind) => (
          <li key={kind}>
            <span class="swatch swatch-node" style={{ background: KIND_COLOURS[kind] }} aria-hidden="true" />
            {t(`kind.${kind}`)}
          </li>
        ))}
      </ul>
    </section>
  );
}
