import "@fontsource/inter/latin-400.css";
import "@fontsource/inter/latin-500.css";
import "@fontsource/inter/latin-600.css";
import "@fontsource/inter/latin-700.css";
import "@fontsource/jetbrains-mono/latin-400.css";
import "@fontsource/jetbrains-mono/latin-500.css";
import "@fontsource/jetbrains-mono/latin-700.css";
import "./gui/styles.css";
import { Engine } from "@babylonjs/core/Engines/engine";
import { Callbacks } from "@colyseus/sdk";
import type { CommandName } from "../../shared/src/commands.ts";
import type { Role } from "../../shared/src/protocol.ts";
import { CommandRunner, type SendCommand } from "./app/commandRunner.ts";
import { installDebugHook } from "./app/debugHook.ts";
import { HallApp } from "./app/hallApp.ts";
import { OperationsUi } from "./app/operationsUi.ts";
import { chooseRenderQuality, webglRenderer } from "./app/renderQuality.ts";
import { AudioSettingsStore, createAudioDirector } from "./audio/audioDirector.ts";
import { CommandDeck } from "./gui/commandDeck.ts";
import { ConfirmDialog } from "./gui/confirmDialog.ts";
import { EventsFeed } from "./gui/eventsFeed.ts";
import { GuestList } from "./gui/guestList.ts";
import { LoadingScreen } from "./gui/loadingScreen.ts";
import { askForSession } from "./gui/signIn.ts";
import { Estate } from "./model/estate.ts";
import { ApiClient } from "./net/api.ts";
import { AuthClient, AuthError, SessionStore, type AuthStatus, type SessionInfo } from "./net/auth.ts";
import { bindWorldState } from "./net/bindWorldState.ts";
import { resolveEndpoint } from "./net/endpoint.ts";
import { WorldConnection, type ConnectionState, type WorldRoom } from "./net/worldConnection.ts";
import { installTogetherDebugHook } from "./presence/debugHook.ts";
import { Together } from "./presence/together.ts";
import { AlertBeacons } from "./scene/alertBeacons.ts";
import { DeployCelebration } from "./scene/celebration.ts";
import type { Theme } from "./theme.ts";
import { ThemeSession } from "./theme/themeSession.ts";
import { HeadsetMode } from "./xr/headsetMode.ts";

/** How often the self-healing feed rewrites its "3 min ago" ages when nothing else changes. */
const EVENT_AGE_REFRESH_MS = 15_000;

async function loadFonts(theme: Theme): Promise<void> {
  const faces = [`400 16px "${theme.fonts.sans}"`, `600 16px "${theme.fonts.sans}"`, `700 16px "${theme.fonts.sans}"`, `500 16px "${theme.fonts.mono}"`, `700 16px "${theme.fonts.mono}"`];
  await Promise.all(faces.map((f) => document.fonts.load(f).catch(() => [])));
}

/** Sign-in status, or null when the server has no sign-in (older servers, or auth turned off). */
async function authStatus(auth: AuthClient): Promise<AuthStatus | null> {
  try {
    return await auth.status();
  } catch (error) {
    if (error instanceof AuthError && error.status === 404) return null;
    throw error;
  }
}

async function boot(): Promise<void> {
  const themes = new ThemeSession(localStorage, new SessionStore(localStorage, Date.now).load()?.user.name ?? null, () => location.reload());
  const theme = themes.theme;
  const overlay = document.body;
  const loading = new LoadingScreen(overlay);
  const canvas = document.getElementById("hall") as HTMLCanvasElement;
  const now = () => performance.now();
  const reducedMotion = () => matchMedia("(prefers-reduced-motion: reduce)").matches;
  const endpoint = resolveEndpoint(location.href);
  const auth = new AuthClient(endpoint.httpUrl);
  // Asked now, answered while the hall is built; its failure is reported at "Signing in", where it is awaited.
  const statusRequest = authStatus(auth);
  statusRequest.catch(() => undefined);

  loading.progress(0.05, "Loading fonts");
  await loadFonts(theme);

  loading.progress(0.15, "Building the hall");
  if (!Engine.IsSupported) {
    loading.fail("This browser cannot show the 3D hall (WebGL is unavailable).");
    return;
  }
  const quality = chooseRenderQuality(webglRenderer(), window.devicePixelRatio || 1);
  const engine = new Engine(canvas, quality.antialias, { preserveDrawingBuffer: true, stencil: true, powerPreference: "high-performance", audioEngine: false }, false);
  engine.setHardwareScalingLevel(1 / quality.pixelRatio);
  addEventListener("resize", () => engine.resize());

  const estate = new Estate();
  const sessions = new SessionStore(localStorage, Date.now);
  let session: SessionInfo | null = sessions.load();
  let connection: ConnectionState = "connecting";
  const role = (): Role => session?.user.role ?? "operator";

  const audioSettings = new AudioSettingsStore(localStorage);
  const audio = createAudioDirector(audioSettings.load());
  const sounds = audio.ui;
  const unlock = () => audio.unlock();
  for (const type of ["pointerdown", "keydown", "touchstart"]) addEventListener(type, unlock, { capture: true });

  const confirm = new ConfirmDialog(overlay);
  const api = new ApiClient(endpoint.httpUrl, () => session?.token);
  const ops = new OperationsUi({
    overlay,
    estate,
    api,
    runner: () => runner,
    role,
    confirm: (title, message, label) => confirm.ask(title, message, label),
    banner: (message, error) => {
      deck.showBanner(message, error);
      setTimeout(() => deck.showBanner(null), 4000);
    },
  });
  let room: WorldRoom | null = null;
  let runner: CommandRunner;
  let app: HallApp;
  let list: GuestList;
  let lastHovered: string | null = null;

  const goToGuest = (key: string) => {
    sounds.hover();
    list.close();
    deck.setListOpen(false);
    void app.goTo(key);
  };
  const deck = new CommandDeck(
    overlay,
    estate,
    {
      onSearchPick: goToGuest,
      onToggleList: (open) => (open ? list.open() : list.close()),
      onToggleSound: (on) => {
        audio.setMuted(!on);
        audioSettings.save(audio);
        together.syncAudio();
      },
      onSignOut: () => {
        const token = session?.token;
        sessions.clear();
        void (token ? auth.logout(token) : Promise.resolve()).then(() => location.reload());
      },
    },
    now,
  );
  deck.setSound(!audio.muted);
  // Ages are wall-clock ("3 min ago"), so the feed reads the date, not the frame clock.
  const eventsFeed = new EventsFeed(estate, goToGuest, Date.now);
  deck.addLogPanel(eventsFeed.root);
  setInterval(() => eventsFeed.render(), EVENT_AGE_REFRESH_MS);
  deck.addViewControl(themes.picker());

  app = new HallApp({
    engine,
    canvas,
    overlay,
    estate,
    theme,
    role,
    reducedMotion,
    now,
    onAction: (key, command) => void runner.run(key, command),
    onHover: (key, x, y) => {
      if (key !== null && key !== lastHovered) sounds.hover();
      lastHovered = key;
      const guest = key ? estate.guests.get(key) : undefined;
      deck.setHoverTag(guest && !document.pointerLockElement ? `${guest.name} · ${guest.vmid}` : null, x, y);
      deck.setCrosshair(document.pointerLockElement !== null, key !== null);
    },
    onSelect: (key) => {
      if (key) sounds.hover();
    },
    onMouseLook: (locked) => deck.setCrosshair(locked, app.hoveredKey !== null),
    // Management forms are desktop sheets, which a headset does not show: there, the headset asks in the world.
    onOperation: (key, operation) => (headset.active ? headset.operate(key, operation) : ops.openOperation(key, operation)),
    onOpenApp: (url) => void window.open(url, "_blank", "noopener"),
    onOpenCatalog: () => ops.openCatalog(),
    canDragToMigrate: () => ops.canMigrate(),
    onMigrateDrop: (key, node) => ops.migrate(key, node),
    onMigrateRefused: (reason) => deck.showBanner(reason, true),
  });

  list = new GuestList(
    overlay,
    estate,
    {
      onAction: (key, command) => void runner.run(key, command),
      onOperation: (key, operation) => ops.openOperation(key, operation),
      onShowInHall: (key) => {
        list.close();
        deck.setListOpen(false);
        void app.goTo(key);
      },
      onClose: () => {
        list.close();
        deck.setListOpen(false);
        canvas.focus();
      },
    },
    role,
  );

  runner = new CommandRunner({
    estate,
    sounds,
    send: () => (room ? ((name, payload) => room!.request(name, payload)) as SendCommand : null),
    confirm: (title, message, label, typed) => confirm.ask(title, message, label, typed),
    onRefused: (key, message) => {
      deck.showBanner(message, true);
      if (app.panel.openKey === key) app.panel.setNotice({ text: message, tone: "error" });
    },
    onOutcome: (key, ok, message, operation) => {
      const guest = key ? estate.guests.get(key) : undefined;
      deck.showBanner(guest ? `${guest.name}: ${message}` : message, !ok);
      setTimeout(() => deck.showBanner(null), 4000);
      ops.onOutcome(operation);
    },
  });

  estate.subscribe((changes) => {
    deck.onEstateChanged(changes.operations.size > 0 || changes.structure);
    list.onEstateChanged();
    if (changes.events.size > 0 || changes.structure) eventsFeed.render();
  });

  let ready = false;
  let firstFrameMs: number | null = null;
  let stateArrived = false;
  let drawingAnnounced = false;
  installDebugHook({
    get ready() {
      return ready;
    },
    get connection() {
      return connection;
    },
    get guestCount() {
      return estate.guests.size;
    },
    get firstFrameMs() {
      return firstFrameMs;
    },
    drawCalls: () => app.drawCalls(),
    frameTimeMs: () => app.frameTimeMs(),
    ledColorOf: (key) => app.view.ledColorOf(key) ?? null,
    ledStateOf: (key) => app.ledStateOf(key),
    screenPositionOf: (key) => app.screenPositionOf(key),
    panelActionPosition: (command) => app.panel.actionScreenPoint(command as never),
    panelOperationPosition: (operation) => app.panel.operationScreenPoint(operation as never),
    terminalScreenPosition: () => app.terminalScreenPosition(),
    hostScreenPosition: (hostKey) => app.hostScreenPosition(hostKey),
    panelOperationText: () => app.panel.operationText,
    panelFields: () => app.panel.fieldsText,
    cameraPose: () => app.controller.current,
    standAt: (pose) => {
      app.controller.teleport(pose);
      app.invalidate();
    },
    get selectedKey() {
      return app.selectedKey;
    },
    get openPanelKey() {
      return app.panel.openKey;
    },
    get hoveredKey() {
      return app.hoveredKey;
    },
    guestKeys: () => [...estate.guests.keys()],
    lastCelebration: () => celebration.lastPlayed,
  });

  const celebration = new DeployCelebration(app.hall.scene, theme, estate, () => app.view.layout, { reducedMotion, now, addGlowing: (meshes) => app.hall.addGlowing(meshes) });
  const beacons = new AlertBeacons(app.hall.scene, theme, estate, () => app.view.layout.guests, {
    reducedMotion,
    now,
    addGlowing: (meshes) => app.hall.addGlowing(meshes),
    removeGlowing: (meshes) => app.hall.removeGlowing(meshes),
  });
  const headset = new HeadsetMode({
    app,
    estate,
    api,
    role,
    send: (request, key) => runner.send<CommandName>(request.name, request.payload, key),
    theme,
    now,
    confirm,
    addControl: (control) => deck.addViewControl(control),
    beforeRender: () => {
      estate.flush();
      celebration.animate();
      beacons.animate();
      together.frame(now());
    },
    onSelect: () => sounds.hover(),
  });
  void headset.start();

  const together = new Together({
    app,
    estate,
    theme,
    overlay,
    audio,
    role,
    userName: () => session?.user.name ?? "",
    notify: (message, error) => {
      deck.showBanner(message, error);
      setTimeout(() => deck.showBanner(null), 4000);
    },
    onAudioChange: (settings) => {
      audioSettings.save(settings);
      deck.setSound(!settings.muted);
    },
  });
  installTogetherDebugHook(together);

  const tick = () => {
    requestAnimationFrame(tick);
    estate.flush();
    if (stateArrived && !drawingAnnounced) {
      drawingAnnounced = true;
      loading.progress(0.95, "Drawing the hall");
    }
    deck.tick();
    list.tick();
    // In the headset, the XR session's own frame loop draws (HeadsetMode).
    if (headset.active) return;
    const celebrating = celebration.isPlaying;
    celebration.animate();
    if (celebrating) app.invalidate();
    if (beacons.animate()) app.invalidate();
    if (together.frame(now())) app.invalidate();
    // Behind the loading screen, compile the hall's shaders but draw nothing: where the GPU is the CPU (software
    // WebGL), every frame drawn there delays signing in and receiving the estate by as long as it takes to draw.
    if (!stateArrived) {
      app.prepare();
      return;
    }
    const drawn = app.frame();
    if (!ready && stateArrived && drawn && app.sceneComplete) {
      ready = true;
      firstFrameMs = Math.round(performance.now());
      loading.done();
    }
  };
  requestAnimationFrame(tick);

  loading.progress(0.3, "Signing in");
  let status: AuthStatus | null;
  try {
    status = await statusRequest;
  } catch (error) {
    loading.fail(error instanceof Error ? error.message : String(error));
    status = null;
  }
  const ensureSession = async (reason?: string) => {
    if (!status) return;
    // The simulated demo signs every visitor in as its demo admin; a real server asks.
    const demo = status.demo ? await auth.demo().catch(() => null) : null;
    session = demo ?? (await askForSession(overlay, auth, status, new URL(location.href).searchParams.get("setup"), reason));
    sessions.save(session);
  };
  if (status && !session) await ensureSession();
  if (session) deck.setUser(session.user.name, session.user.role);
  if (session) themes.signedIn(session.user.name);
  deck.setTools(ops.tools());

  loading.progress(0.45, "Joining the hall");
  let unbind: (() => void) | null = null;
  const world = new WorldConnection({
    wsUrl: endpoint.wsUrl,
    name: session?.user.name ?? localStorage.getItem("proximity.name") ?? `visitor-${Math.floor(Math.random() * 9000 + 1000)}`,
    token: () => session?.token,
    clock: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
    onState: (state, detail) => {
      connection = state;
      deck.setConnection(state, detail);
      app.setStale(state === "reconnecting" || state === "offline");
      if (state === "signed-out") {
        sessions.clear();
        session = null;
        void ensureSession(detail).then(() => {
          if (session) {
            deck.setUser(session.user.name, session.user.role);
            deck.setTools(ops.tools());
          }
          world.start();
        });
      }
    },
    onRoom: (joined) => {
      room = joined;
      together.attach(joined);
      unbind?.();
      estate.clear();
      loading.progress(0.7, "Receiving the estate");
      unbind = bindWorldState(Callbacks.get(joined), estate);
      const arrived = () => {
        stateArrived = true;
        app.invalidate();
        loading.progress(0.9, `Placing ${estate.guests.size.toLocaleString()} guests`);
      };
      // joinOrCreate can resolve before or after the first full state (stack notes, pitfall 4).
      if (joined.state?.clusters?.size > 0) arrived();
      else joined.onStateChange.once(arrived);
    },
  });
  world.start();
}

boot().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  document.body.insertAdjacentHTML("beforeend", `<div class="loading"><div class="loading__box"><div class="loading__error" role="alert"></div></div></div>`);
  const target = document.querySelector(".loading__error:last-of-type");
  if (target) target.textContent = `Proximity could not start: ${message}`;
});
