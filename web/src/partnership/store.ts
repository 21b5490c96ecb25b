// The partnerships of one workspace, or one partnership's file, as the server's views give
// them: loaded over HTTP at a known log position and loaded again (debounced) when the
// workspace's websocket brings an event after it, so a colleague's amendment or tick shows
// without a reload. What a person is typing lives in the page's own state, never here, so a
// reload never overwrites a draft (an editor keeps the version it started from). Changes
// leave through `LiveConnection.send` (queued while offline, resent on reconnect).
import { signal } from '@preact/signals';
import { language, type Language } from '../i18n';
import type { Command } from '../protocol/command';
import type { ErrorBody } from '../protocol/error';
import { EventCursor } from '../store/cursor';
import { api, ApiFailure } from '../store/http';
import type { LiveConnection } from '../store/live';
import type { Outcome } from '../store/outbox';
import type { Role, WorkspaceSummary } from '../store/views';
import type { AgreementDiff, Method, Organisation, PartnershipFile, TimelineLine } from './model';

const REFRESH_DEBOUNCE_MS = 150;

/** Roles that change a file (the server refuses the others' commands too). */
export const EDITORS: ReadonlySet<Role> = new Set<Role>(['owner', 'editor']);
/** Roles that read the history (the timeline). */
const HISTORY_READERS: ReadonlySet<Role> = new Set<Role>(['owner', 'editor', 'auditor']);

/** The method's texts do not change while the app runs: loaded once for every file. */
let methodOnce: Promise<Method> | null = null;

export class PartnershipStore {
  readonly summary = signal<WorkspaceSummary | null>(null);
  /** Every partnership of the workspace, by id (the list page). */
  readonly list = signal<Readonly<Record<string, PartnershipFile>> | null>(null);
  /** The open partnership's file (the file page). */
  readonly file = signal<PartnershipFile | null>(null);
  readonly organisations = signal<Readonly<Record<string, Organisation>>>({});
  readonly method = signal<Method | null>(null);
  /** The file's timeline; `null` while loading or when the role may not read history. */
  readonly timeline = signal<readonly TimelineLine[] | null>(null);
  readonly error = signal<ErrorBody | null>(null);

  private readonly cursor = new EventCursor();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private loading: Promise<void> | null = null;
  private unwatch: (() => void) | null = null;
  private disposed = false;
  /** The language the loaded timeline's sentences are in (the UI's when it was read). */
  private timelineLanguage: Language = language.value;

  /** `address`: the workspace's id or slug; `partnershipId`: the file to open, or none for the list. */
  constructor(
    readonly address: string,
    readonly partnershipId: string | null,
    private readonly token: string,
    private readonly live: LiveConnection,
    private readonly onUnauthenticated: () => void,
  ) {}

  get workspaceId(): string {
    return this.summary.value?.workspace_id ?? this.address;
  }

  /** Whether this person may change the file. */
  get canEdit(): boolean {
    const role = this.summary.value?.role;
    return role !== undefined && EDITORS.has(role);
  }

  get canReadHistory(): boolean {
    const role = this.summary.value?.role;
    return role !== undefined && HISTORY_READERS.has(role);
  }

  async open(): Promise<void> {
    if (this.partnershipId !== null) {
      methodOnce ??= api<Method>('/api/method');
      methodOnce.then((method) => (this.method.value = method)).catch(() => (methodOnce = null));
    }
    await this.load();
    if (this.disposed || this.summary.value === null) return;
    this.unwatch = this.live.watch(this.workspaceId, this.cursor, () => this.scheduleRefresh());
  }

  dispose(): void {
    this.disposed = true;
    this.unwatch?.();
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
  }

  /** The timeline's sentences in `lang`: read again when they were read in another. */
  timelineIn(lang: Language): void {
    if (lang !== this.timelineLanguage && this.timeline.value !== null) this.scheduleRefresh(0);
  }

  send(command: Command): Promise<Outcome> {
    return this.live.send(this.workspaceId, command);
  }

  /** Two versions of the open file's agreement side by side. */
  diff(from: number, to: number): Promise<AgreementDiff> {
    return api<AgreementDiff>(
      `${this.base()}/partnerships/${encodeURIComponent(this.partnershipId ?? '')}/agreement/diff?from_version=${from}&to_version=${to}`,
      { token: this.token },
    );
  }

  private base(): string {
    return `/api/workspaces/${encodeURIComponent(this.workspaceId)}`;
  }

  private scheduleRefresh(delay = REFRESH_DEBOUNCE_MS): void {
    if (this.disposed || this.refreshTimer !== null) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.load().then(() => {
        if (this.cursor.needsRefresh()) this.scheduleRefresh(REFRESH_DEBOUNCE_MS * 2);
      });
    }, delay);
  }

  private load(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = (async () => {
      try {
        // The summary first: what is read after it includes at least its position.
        const summary = await api<WorkspaceSummary>(`/api/workspaces/${encodeURIComponent(this.address)}`, {
          token: this.token,
        });
        this.summary.value = summary;
        const base = this.base();
        const options = { token: this.token };
        if (this.partnershipId === null) {
          const [list, organisations] = await Promise.all([
            api<Record<string, PartnershipFile>>(`${base}/partnerships`, options),
            api<Record<string, Organisation>>(`${base}/organisations`, options),
          ]);
          if (this.disposed) return;
          this.list.value = list;
          this.organisations.value = organisations;
        } else {
          const id = encodeURIComponent(this.partnershipId);
          const lang = language.value;
          const [file, organisations, timeline] = await Promise.all([
            api<PartnershipFile>(`${base}/partnerships/${id}`, options),
            api<Record<string, Organisation>>(`${base}/organisations`, options),
            this.canReadHistory ? api<TimelineLine[]>(`${base}/timeline?entity=${id}&lang=${lang}`, options) : Promise.resolve(null),
          ]);
          if (this.disposed) return;
          this.file.value = file;
          this.organisations.value = organisations;
          this.timeline.value = timeline;
          this.timelineLanguage = lang;
        }
        this.cursor.viewLoaded(summary.position ?? 0);
        this.error.value = null;
      } catch (failure) {
        if (failure instanceof ApiFailure && failure.status === 401) {
          this.onUnauthenticated();
          return;
        }
        this.error.value = failure instanceof ApiFailure ? failure.body : { code: 'unknown', message: String(failure) };
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
