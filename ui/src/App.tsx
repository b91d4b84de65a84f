import { backend } from "./backend";
import { ChooseTenant } from "./screens/ChooseTenant";

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <img src="/icon.png" alt="" width={28} height={28} />
        <span className="app-name">Connections Assistant</span>
      </header>
      <main className="app-main">
        <ChooseTenant backend={backend} />
      </main>
      {backend.kind === "fake" && (
        <footer className="demo-note" role="note">
          Browser preview: a built-in demo backend answers instead of the desktop app.
        </footer>
      )}
    </div>
  );
}
