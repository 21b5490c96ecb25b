// Entry point: restore the language, render the app.
import { render } from 'preact';
import { restoreLanguage } from './i18n';
import { session } from './auth/session';
import { App } from './ui/App';
import './ui/styles.css';

restoreLanguage(session.value?.account ?? null);
const root = document.getElementById('app');
if (root) render(<App />, root);
