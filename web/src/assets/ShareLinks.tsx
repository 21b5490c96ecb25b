// The owners' part of the assets page: share links to the public page, made with a label
// (the link is shown once, to copy), listed open or closed, and closed.
import { useEffect, useState } from 'preact/hooks';
import { errorSentence, t } from '../i18n';
import { api, ApiFailure } from '../store/http';
import { notify } from '../ui/notices';

interface ShareLink {
  readonly link_id: string;
  readonly label: string;
  readonly created_by: string;
  readonly created_at: string;
  readonly revoked: boolean;
}

export function ShareLinks({ base, token }: { base: string; token: string }) {
  const [links, setLinks] = useState<readonly ShareLink[]>([]);
  const [label, setLabel] = useState('');
  const [made, setMade] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      setLinks(await api<ShareLink[]>(`${base}/assets/share-links`, { token }));
    } catch (failure) {
      setError(errorSentence(failure instanceof ApiFailure ? failure.body : null));
    }
  };
  useEffect(() => {
    void act(async () => undefined);
  }, [base, token]);

  return (
    <section class="share-links">
      <h2>{t('shareLinks.title')}</h2>
      <p class="muted">{t('shareLinks.intro')}</p>
      {error && <p class="form-error" role="alert">{error}</p>}
      <form
        class="share-link-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (label.trim() === '') {
            setError(t('error.emptyName'));
            return;
          }
          void act(async () => {
            const created = await api<{ link: string }>(`${base}/assets/share-links`, { token, body: { label: label.trim() } });
            setMade(`${location.origin}${created.link}`);
            setLabel('');
          });
        }}
      >
        <label>
          <span>{t('shareLinks.label')}</span>
          <input name="share-label" maxLength={200} placeholder={t('shareLinks.labelHint')} value={label} onInput={(event) => setLabel(event.currentTarget.value)} />
        </label>
        <button type="submit">{t('shareLinks.create')}</button>
      </form>
      {made && (
        <div class="invite-link" role="status">
          <label>
            {t('shareLinks.created')}
            <input readOnly value={made} name="share-link" onFocus={(event) => event.currentTarget.select()} />
          </label>
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(made).then(() => notify(() => t('shareLinks.copied')))}
          >
            {t('shareLinks.copy')}
          </button>
        </div>
      )}
      {links.length === 0 ? (
        <p>{t('shareLinks.none')}</p>
      ) : (
        <ul class="share-link-list" aria-label={t('shareLinks.list')}>
          {links.map((link) => (
            <li key={link.link_id} data-link={link.link_id}>
              <strong>{link.label}</strong>{' '}
              <span class="muted">
                {t('shareLinks.made', { date: new Date(link.created_at).toLocaleDateString(), actor: link.created_by })} ·{' '}
                {link.revoked ? t('shareLinks.closed') : t('shareLinks.open')}
              </span>
              {!link.revoked && (
                <button
                  type="button"
                  class="secondary"
                  aria-label={t('shareLinks.revokeNamed', { label: link.label })}
                  onClick={() =>
                    void act(async () => {
                      await api(`${base}/assets/share-links/${link.link_id}`, { token, method: 'DELETE' });
                      notify(() => t('shareLinks.revoked', { label: link.label }));
                    })
                  }
                >
                  {t('shareLinks.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
