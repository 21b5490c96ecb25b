// `/vi-kan#<token>`: the public assets page ("Vi kan – Vil du?") for potential partners,
// read-only and without a login. It reads only `GET /api/public/assets/<token>` (the
// library's name and its assets with their contacts) and sends the link as a path, never as
// a credential. In Danish or English (switchable here, as the page has no app header), made
// for a phone and for print (assets.css). A closed or unknown link is said in words.
import { useEffect, useState } from 'preact/hooks';
import { chooseLanguage, errorSentence, language, LANGUAGES, t } from '../i18n';
import { api, ApiFailure } from '../store/http';
import { byCategory, type PublicAssets } from './model';
import './assets.css';

const LANGUAGE_NAMES = { da: 'Dansk', en: 'English' } as const;

export function PublicAssetsPage({ token }: { token: string | null }) {
  const [page, setPage] = useState<PublicAssets | null>(null);
  const [problem, setProblem] = useState<string | null>(token === null ? 'public.missing' : null);
  const [error, setError] = useState<ApiFailure['body'] | null>(null);

  useEffect(() => {
    if (token === null) return;
    api<PublicAssets>(`/api/public/assets/${encodeURIComponent(token)}`)
      .then((answer) => {
        setPage(answer);
        document.title = `${answer.library} – ${t('public.kicker')}`;
      })
      .catch((failure: unknown) => {
        setProblem(null);
        setError(failure instanceof ApiFailure ? failure.body : { code: 'unknown', message: '' });
      });
  }, [token]);

  return (
    <main id="main" class="public-assets">
      <div class="public-tools">
        <div role="group" aria-label={t('app.language')} class="switch">
          {LANGUAGES.map((lang) => (
            <button key={lang} type="button" lang={lang} aria-pressed={language.value === lang} onClick={() => chooseLanguage(lang, null)}>
              {LANGUAGE_NAMES[lang]}
            </button>
          ))}
        </div>
        {page && (
          <button type="button" class="secondary" onClick={() => window.print()}>
            {t('public.print')}
          </button>
        )}
      </div>
      <p class="public-kicker">{t('public.kicker')}</p>
      {problem && <p class="form-error" role="alert">{t(problem === 'public.missing' ? 'public.missing' : 'error.unknown')}</p>}
      {error && <p class="form-error public-closed" role="alert">{errorSentence(error)}</p>}
      {!page && !problem && !error && <p>{t('public.loading')}</p>}
      {page && (
        <>
          <h1>{t('public.title', { library: page.library })}</h1>
          <p class="public-intro">{t('public.intro')}</p>
          {page.assets.length === 0 && <p>{t('public.empty')}</p>}
          {byCategory(page.assets).map((group) => (
            <section key={group.category} class="public-group">
              <h2>{t(`assetCategory.${group.category}`)}</h2>
              <ul>
                {group.items.map((asset, index) => (
                  <li key={`${asset.title}-${index}`} class="public-asset">
                    <h3>{asset.title}</h3>
                    {asset.description && <p>{asset.description}</p>}
                    {asset.contact && (
                      <p class="public-contact">
                        {t('public.contact', { name: asset.contact.team ? `${asset.contact.name}, ${asset.contact.team}` : asset.contact.name })}
                      </p>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ))}
          <p class="public-footer muted">{t('public.footer')}</p>
        </>
      )}
    </main>
  );
}
