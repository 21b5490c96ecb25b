// Sending a map change and telling the person how it went: every edit of the map (adding an
// organisation, linking a colleague, moving or ending a relation) goes through the store's
// `send` (queued while offline, resent on reconnect) and ends in a notice, the ack's text or
// the rejection with its reason in words.
import type { Command } from '../protocol/command';
import type { WorkspaceStore } from '../store/workspace';
import type { Outcome } from '../store/outbox';
import { errorSentence, t } from '../i18n';
import { notify } from '../ui/notices';

/** Sends `command`; notices `done` on the ack, the reason on a rejection. */
export function sendAndTell(store: Pick<WorkspaceStore, 'send'>, command: Command, done: () => string): Promise<Outcome> {
  return store.send(command).then((outcome) => {
    if (outcome.kind === 'ack') notify(done);
    else notify(() => t('command.rejected', { reason: errorSentence(outcome.error) }), 'error');
    return outcome;
  });
}
