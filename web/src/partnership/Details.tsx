// Editing the facts of a partnership's file: its title, its form (an activity with set dates
// or an intentional frame), its partners (organisations of the network database), the goals,
// rooms and age groups it serves. One `UpdatePartnership` with only the fields that changed
// (`detailsUpdate`), so a colleague's change to another field meanwhile stands.
import { useState } from 'preact/hooks';
import { errorSentence, t } from '../i18n';
import { sendAndTell } from '../map/send';
import { AGE_GROUPS, detailsOf, detailsUpdate, GOALS, ROOMS, todayIso, type Details, type Organisation, type PartnershipFile } from './model';
import type { PartnershipStore } from './store';

export function DetailsEditor({
  store,
  partnershipId,
  file,
  organisations,
  onClose,
}: {
  store: PartnershipStore;
  partnershipId: string;
  file: PartnershipFile;
  organisations: Readonly<Record<string, Organisation>>;
  onClose: () => void;
}) {
  const [draft, setDraft] = useState<Details>(() => detailsOf(file));
  const [problem, setProblem] = useState<string | null>(null);
  const choices = Object.entries(organisations).sort(([, a], [, b]) => a.name.localeCompare(b.name, 'da'));
  const toggle = <T extends string>(list: readonly T[], value: T): T[] =>
    list.includes(value) ? list.filter((entry) => entry !== value) : [...list, value];
  const today = todayIso();

  const save = async (event: Event) => {
    event.preventDefault();
    if (draft.title.trim() === '') {
      setProblem(t('error.emptyName'));
      return;
    }
    const command = detailsUpdate(partnershipId, file, draft);
    if (command === null) {
      onClose();
      return;
    }
    const outcome = await sendAndTell(store, command, () => t('details.saved'));
    if (outcome.kind === 'ack') onClose();
    else setProblem(errorSentence(outcome.error));
  };

  return (
    <form class="panel details-editor" onSubmit={(event) => void save(event)}>
      <h2>{t('details.title')}</h2>
      <label>
        <span>{t('partnerships.newTitle')}</span>
        <input name="title" maxLength={200} value={draft.title} onInput={(event) => setDraft({ ...draft, title: event.currentTarget.value })} />
      </label>
      <fieldset>
        <legend>{t('file.form')}</legend>
        <label class="choice">
          <input
            type="radio"
            name="form"
            checked={draft.form.kind === 'frame'}
            onChange={() => setDraft({ ...draft, form: { kind: 'frame' } })}
          />
          <span>{t('details.frame')}</span>
        </label>
        <label class="choice">
          <input
            type="radio"
            name="form"
            checked={draft.form.kind === 'activity'}
            onChange={() => setDraft({ ...draft, form: { kind: 'activity', starts_on: today, ends_on: today } })}
          />
          <span>{t('details.activity')}</span>
        </label>
        {draft.form.kind === 'activity' && (
          <div class="row">
            <label>
              <span>{t('details.startsOn')}</span>
              <input
                type="date"
                name="starts_on"
                value={draft.form.starts_on}
                onInput={(event) => draft.form.kind === 'activity' && setDraft({ ...draft, form: { ...draft.form, starts_on: event.currentTarget.value } })}
              />
            </label>
            <label>
              <span>{t('details.endsOn')}</span>
              <input
                type="date"
                name="ends_on"
                value={draft.form.ends_on}
                onInput={(event) => draft.form.kind === 'activity' && setDraft({ ...draft, form: { ...draft.form, ends_on: event.currentTarget.value } })}
              />
            </label>
          </div>
        )}
      </fieldset>
      <fieldset class="partner-choices">
        <legend>{t('details.partners')}</legend>
        {choices.map(([id, organisation]) => (
          <label key={id} class="choice">
            <input
              type="checkbox"
              name="partner"
              value={id}
              checked={draft.partner_ids.includes(id)}
              onChange={() => setDraft({ ...draft, partner_ids: toggle(draft.partner_ids, id) })}
            />
            <span>{organisation.name}</span>
          </label>
        ))}
      </fieldset>
      <div class="checks">
        <fieldset>
          <legend>{t('details.goals')}</legend>
          {GOALS.map((goal) => (
            <label key={goal} class="choice">
              <input type="checkbox" checked={draft.goals.includes(goal)} onChange={() => setDraft({ ...draft, goals: toggle(draft.goals, goal) })} />
              <span>{t(`goal.${goal}`)}</span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('details.rooms')}</legend>
          {ROOMS.map((room) => (
            <label key={room} class="choice">
              <input type="checkbox" checked={draft.rooms.includes(room)} onChange={() => setDraft({ ...draft, rooms: toggle(draft.rooms, room) })} />
              <span>{t(`room.${room}`)}</span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('details.ageGroups')}</legend>
          {AGE_GROUPS.map((group) => (
            <label key={group} class="choice">
              <input
                type="checkbox"
                checked={draft.age_groups.includes(group)}
                onChange={() => setDraft({ ...draft, age_groups: toggle(draft.age_groups, group) })}
              />
              <span>{t(`ageGroup.${group}`)}</span>
            </label>
          ))}
        </fieldset>
      </div>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      <div class="buttons">
        <button type="submit">{t('details.save')}</button>
        <button type="button" class="secondary" onClick={onClose}>{t('file.cancel')}</button>
      </div>
    </form>
  );
}
