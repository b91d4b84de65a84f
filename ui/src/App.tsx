import { useState } from "react";
import { useTranslation } from "react-i18next";
import { backend, type SessionInfo } from "./backend";
import { ChooseTenant } from "./screens/ChooseTenant";
import { SignedIn } from "./SignedIn";

export function App() {
  const { t } = useTranslation();
  const [session, setSession] = useState<SessionInfo | null>(null);
  const signOut = async () => {
    await backend.signOut().catch(() => undefined);
    setSession(null);
  };
  return (
    <div className="app">
      <header className="app-header">
        <img src="/icon.png" alt="" width={28} height={28} />
        <span className="app-name">{t("app.name")}</span>
      </header>
      <main className={session ? "app-main wide" : "app-main"}>
        {session ? (
          <SignedIn backend={backend} session={session} onSignOut={() => void signOut()} />
        ) : (
          <ChooseTenant backend={backend} onSignedIn={setSession} />
        )}
      </main>
      {backend.kind === "fake" && (
        <footer className="demo-note" role="note">
          {t("app.demoNote")}
        </footer>
      )}
    </div>
  );
}
