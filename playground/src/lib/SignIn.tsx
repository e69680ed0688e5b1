import { useState } from "react";
import { DEMO_LOGINS, DEMO_PASSWORD, DEMO_SLUG, demoMode, signIn, type Session } from "./session";

/// One click per demo login in demo mode; a sign-in form otherwise (and below the buttons).
export function SignIn({ onSession }: { onSession: (s: Session) => void }) {
  const [slug, setSlug] = useState(demoMode() ? DEMO_SLUG : "");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function attempt(tenantSlug: string, mail: string, pass: string) {
    setBusy(true);
    setError(null);
    try {
      onSession(await signIn(tenantSlug, mail, pass));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="tg-signin">
      {demoMode() && (
        <div className="tg-roles" role="group" aria-label="Sign in as a demo role">
          <span>Demo: sign in as</span>
          {DEMO_LOGINS.map((l) => (
            <button
              key={l.role}
              type="button"
              disabled={busy}
              data-role={l.role}
              onClick={() => attempt(DEMO_SLUG, l.email, DEMO_PASSWORD)}
            >
              {l.role}
            </button>
          ))}
        </div>
      )}
      <form
        className="tg-form"
        onSubmit={(e) => {
          e.preventDefault();
          void attempt(slug, email, password);
        }}
      >
        <input aria-label="Organisation" placeholder="organisation (slug)" value={slug} onChange={(e) => setSlug(e.target.value)} required />
        <input aria-label="E-mail" placeholder="e-mail" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        <input aria-label="Password" placeholder="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {error && (
        <p className="tg-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
