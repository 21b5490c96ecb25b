// `/w/<workspace>/audit`: the audit view for auditors, politicians and controllers. A time
// slider from the first event to today replays the network map and the portfolio's grid,
// gaps and figures as of the chosen day; compare mode sets two days side by side; an
// entity's history says who did what, when and why; the log's chain is verified on request;
// the audit trail downloads as CSV or opens as a print-ready page.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { errorSentence, language, t } from '../i18n';
import { ApiFailure } from '../store/http';
import type { WorkspaceSummary } from '../store/views';
import { AuditMap } from './AuditMap';
import { Compare } from './Compare';
import { DayField } from './DayField';
import { loadAsOf, loadSummary, loadTimeline } from './fetchers';
import { History, VerifyChain, downloadTrail } from './History';
import { daysBetween, endOfDay, figuresOf, type AsOfReport } from './model';
import { FigureList, GapList, GridTable } from './MomentView';
import './audit.css';

const locale = (): string => (language.value === 'da' ? 'da-DK' : 'en-GB');

export const formatDay = (day: string): string =>
  new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

export const formatTime = (time: string): string =>
  new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(time));

const sentence = (failure: unknown): string => errorSentence(failure instanceof ApiFailure ? failure.body : null);

export function AuditPage({ workspaceId, token }: { workspaceId: string; token: string }) {
  const [summary, setSummary] = useState<WorkspaceSummary | null>(null);
  const [days, setDays] = useState<string[] | null>(null);
  const [index, setIndex] = useState(0);
  // The report shown and the day it is of (the slider may be ahead while it loads).
  const [shown, setShown] = useState<{ day: string; report: AsOfReport } | null>(null);
  const [entities, setEntities] = useState<{ id: string; name: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(0);

  useEffect(() => {
    let current = true;
    Promise.all([
      loadSummary(workspaceId, token),
      loadTimeline(workspaceId, token, null, language.value),
      loadAsOf(workspaceId, token, new Date().toISOString()),
    ])
      .then(([loadedSummary, timeline, now]) => {
        if (!current) return;
        setSummary(loadedSummary);
        const first = timeline[0];
        const all = first ? daysBetween(new Date(first.recorded_at), new Date()) : [];
        setDays(all);
        setIndex(Math.max(0, all.length - 1));
        setEntities(
          [
            ...Object.entries(now.organisations).map(([id, organisation]) => ({ id, name: organisation.name })),
            ...Object.entries(now.partnerships).map(([id, partnership]) => ({ id, name: partnership.title })),
          ].sort((a, b) => a.name.localeCompare(b.name, locale())),
        );
      })
      .catch((failure: unknown) => current && setError(sentence(failure)));
    return () => {
      current = false;
    };
  }, [workspaceId, token]);

  const day = days?.[index] ?? null;
  useEffect(() => {
    if (day === null) return;
    const request = ++asked.current;
    const timer = setTimeout(() => {
      loadAsOf(workspaceId, token, endOfDay(day))
        .then((loaded) => request === asked.current && setShown({ day, report: loaded }))
        .catch((failure: unknown) => request === asked.current && setError(sentence(failure)));
    }, 120);
    return () => clearTimeout(timer);
  }, [workspaceId, token, day]);

  const report = shown?.report ?? null;
  const figures = useMemo(() => (report ? figuresOf(report) : null), [report]);
  const mayVerify = summary?.role === 'owner' || summary?.role === 'auditor';

  return (
    <main id="main" class="audit-page">
      <div class="audit-head">
        <h1>{summary ? `${t('audit.title')}: ${summary.name}` : t('audit.title')}</h1>
      </div>
      <p class="audit-intro">{t('audit.intro')}</p>
      {error && <p role="alert" class="error">{error}</p>}
      {days === null && !error && <p>{t('audit.loading')}</p>}
      {days?.length === 0 && <p>{t('audit.empty')}</p>}
      {days && day && (
        <>
          <div class="audit-tools no-print">
            {mayVerify && <VerifyChain workspaceId={workspaceId} token={token} />}
            <button type="button" class="audit-csv-all" onClick={() => void downloadTrail(workspaceId, token, null).catch((failure: unknown) => setError(sentence(failure)))}>
              {t('audit.csv')}
            </button>
          </div>
          <section class="audit-section" aria-labelledby="audit-moment-title">
            <h2 id="audit-moment-title">{t('audit.asOf', { date: formatDay(day) })}</h2>
            <div class="audit-slider no-print">
              <label for="audit-slider">{t('audit.slider')}</label>
              <input
                id="audit-slider"
                type="range"
                min={0}
                max={days.length - 1}
                step={1}
                value={index}
                aria-valuetext={formatDay(day)}
                onInput={(event) => setIndex(Number(event.currentTarget.value))}
              />
              <DayField
                name="as-of"
                label={t('audit.goToDay')}
                value={day}
                first={days[0] ?? day}
                last={days[days.length - 1] ?? day}
                formatDay={formatDay}
                onDay={(chosen) => {
                  const at = chosen === null ? -1 : days.indexOf(chosen);
                  if (at >= 0) setIndex(at);
                }}
              />
              <span class="hint">{t('audit.sliderHint')}</span>
            </div>
            {shown && report && figures && (
              <div class="audit-moment" data-day={shown.day} data-organisations={figures.organisations}>
                <AuditMap view={report.network} label={t('audit.asOf', { date: formatDay(shown.day) })} />
                <div class="audit-portfolio">
                  <GridTable report={report} />
                  <h3>{t('audit.gaps')}</h3>
                  <GapList gaps={report.portfolio.gaps} />
                  <h3>{t('audit.metrics')}</h3>
                  <FigureList figures={figures} />
                </div>
              </div>
            )}
          </section>
          <Compare workspaceId={workspaceId} token={token} firstDay={days[0] ?? day} lastDay={days[days.length - 1] ?? day} formatDay={formatDay} key={days.length} />
          <History workspaceId={workspaceId} token={token} entities={entities} formatTime={formatTime} />
        </>
      )}
    </main>
  );
}
