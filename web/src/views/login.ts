// Log-in: POST /api/session. The server's refusal is shown as it is: it does not say whether the
// user exists or is locked (docs/security.md), and a burst of attempts from one address is
// refused with "too many log-in attempts ... try again in N s" (429).

import { ApiError, messageOf, post } from '../api';
import { hooks, type ViewContext } from '../app';
import { errorBox, field, h, replace } from '../dom';
import type { SessionInfo } from '../types';

let failures = 0;

export function loginView(ctx: ViewContext): void {
  ctx.title('Log in');
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = errorBox();
  const lockout = h('p', { class: 'hint lockout', id: 'lockout-note', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  const why = ctx.route.query.why;

  const form = h(
    'form',
    {
      class: 'login-form',
      'aria-labelledby': 'login-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.clear();
        submit.disabled = true;
        try {
          const session = await post<SessionInfo>('/api/session', {
            username: username.value.trim(),
            password: password.value,
          });
          failures = 0;
          password.value = '';
          hooks.afterLogin(session, ctx.route.query.next);
        } catch (e) {
          failures += 1;
          password.value = '';
          error.show(messageOf(e));
          if (e instanceof ApiError && e.status === 429) {
            lockout.textContent = 'Log-in is paused for this workstation. Wait for the time the server gave, then try again.';
            lockout.hidden = false;
          } else if (failures >= 3) {
            lockout.textContent =
              'After 5 failed attempts in a row the account is locked for 15 minutes, even with the right password. ' +
              'A supervisor or lab IT can set a new password to unlock it sooner.';
            lockout.hidden = false;
          }
          password.focus();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h1', { id: 'login-title', tabindex: '-1' }, 'aliquot'),
    h('p', { class: 'subtitle' }, 'Laboratory bench — log in'),
    why ? h('p', { class: 'notice', role: 'status' }, why) : null,
    field('User name', username),
    field('Password', password),
    error,
    lockout,
    submit,
  );
  replace(ctx.main, h('div', { class: 'login' }, form));
  username.focus();
}
