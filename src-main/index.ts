/**
 * The Electron entry: lifecycle, the one window, menus, dialogs, IPC wiring. Thin on purpose — this
 * file cannot be run on the CI machines (no Electron binary), so every decision lives in modules that
 * are tested under Node: api/ (handlers + validation), host/window-state, services/store.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  screen,
  shell,
  type MenuItemConstructorOptions,
} from 'electron'
import { API_METHODS, type ApiEvent, type ApiEvents } from './shared/api'
import { IPC_EVENT_CHANNEL, ipcChannel } from './shared/ipc'
import { QUANTSCOPE_VERSION } from './shared/version'
import { dispatch } from './api/dispatch'
import { createHandlers } from './api/handlers'
import { openWorkspace, type Workspace } from './services/store/workspace'
import { parseWindowState, restoreBounds, type WindowState } from './host/window-state'

const here = dirname(fileURLToPath(import.meta.url))
const rendererIndex = join(here, '../renderer/index.html')
const devServerUrl = process.env.ELECTRON_RENDERER_URL

let win: BrowserWindow | undefined
let workspace: Workspace | undefined
const pendingPaths: string[] = []

function emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void {
  win?.webContents.send(IPC_EVENT_CHANNEL, { event, payload })
  if (event === 'models.changed') buildMenu()
}

/** Ask the renderer to open a file (menu, recent list, OS "open with", second instance). */
function requestOpen(path: string): void {
  if (win && !win.webContents.isLoading()) emit('app.openPath', { path })
  else pendingPaths.push(path)
}

/** Only our own renderer may call the API: the bundled file, or the dev server in development. */
function trustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false
  if (devServerUrl && frameUrl.startsWith(devServerUrl)) return true
  return frameUrl.startsWith(pathToFileURL(rendererIndex).href)
}

function registerIpc(ws: Workspace): void {
  const handlers = createHandlers({
    host: 'electron',
    workspace: ws,
    emit,
    hostVersions: { electron: process.versions.electron, chrome: process.versions.chrome },
  })
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), (event, args: unknown) => {
      if (!trustedSender(event.senderFrame?.url)) {
        return {
          ok: false,
          error: { code: 'UNAUTHORIZED', message: 'calls are accepted from Quantscope’s own window only' },
        }
      }
      return dispatch(handlers, method, args)
    })
  }
}

async function openModelDialog(): Promise<void> {
  const result = await dialog.showOpenDialog({
    title: 'Open Model',
    properties: ['openFile'],
    filters: [
      { name: 'Models', extensions: ['onnx', 'hef', 'har', 'hn', 'alls'] },
      { name: 'All files', extensions: ['*'] },
    ],
  })
  for (const path of result.filePaths) {
    app.addRecentDocument(path)
    requestOpen(path)
  }
}

function buildMenu(): void {
  const recent = workspace?.models.list().slice(0, 10) ?? []
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Model…', accelerator: 'CmdOrCtrl+O', click: () => void openModelDialog() },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((m) => ({ label: m.path, click: () => requestOpen(m.path) }))
            : [{ label: 'No recent models', enabled: false }],
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'About Quantscope',
          click: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: 'About Quantscope',
              message: `Quantscope ${QUANTSCOPE_VERSION}`,
              detail: `Electron ${process.versions.electron} · Node ${process.versions.node}\nWorkspace: ${workspace?.dir ?? '—'}`,
            }),
        },
      ],
    },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

function windowStateFile(): string {
  return join(app.getPath('userData'), 'window-state.json')
}

function loadWindowState(): WindowState {
  let saved: string | undefined
  try {
    saved = readFileSync(windowStateFile(), 'utf8')
  } catch {
    saved = undefined
  }
  return restoreBounds(
    parseWindowState(saved),
    screen.getAllDisplays().map((d) => d.workArea),
  )
}

function saveWindowState(w: BrowserWindow): void {
  const state: WindowState = { bounds: w.getNormalBounds(), maximized: w.isMaximized() }
  try {
    writeFileSync(windowStateFile(), JSON.stringify(state))
  } catch {
    // Losing the window position is not worth an error dialog.
  }
}

function createWindow(): BrowserWindow {
  const state = loadWindowState()
  const w = new BrowserWindow({
    ...state.bounds,
    minWidth: 800,
    minHeight: 560,
    title: 'Quantscope',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  if (state.maximized) w.maximize()
  w.once('ready-to-show', () => w.show())
  w.on('close', () => saveWindowState(w))
  // The renderer never navigates away or opens windows; links open in the user's browser.
  w.webContents.on('will-navigate', (event) => event.preventDefault())
  w.webContents.on('will-attach-webview', (event) => event.preventDefault())
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  w.webContents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  w.webContents.on('did-finish-load', () => {
    for (const path of pendingPaths.splice(0)) emit('app.openPath', { path })
  })
  if (devServerUrl) void w.loadURL(devServerUrl)
  else void w.loadFile(rendererIndex)
  return w
}

/** Files given on the command line or by the OS ("Open with Quantscope"). */
function pathsFromArgv(argv: string[]): string[] {
  return argv
    .slice(app.isPackaged ? 1 : 2)
    .filter((a) => !a.startsWith('-') && /\.(onnx|hef|har|hn)$/i.test(a))
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', (_event, argv) => {
    pathsFromArgv(argv).forEach(requestOpen)
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })
  app.on('open-file', (event, path) => {
    event.preventDefault()
    requestOpen(path)
  })
  app.on('window-all-closed', () => {
    workspace?.close()
    app.quit()
  })
  void app.whenReady().then(() => {
    try {
      workspace = openWorkspace(join(app.getPath('userData'), 'workspace'))
    } catch (error) {
      dialog.showErrorBox('Quantscope cannot open its workspace', (error as Error).message)
      app.quit()
      return
    }
    registerIpc(workspace)
    buildMenu()
    pathsFromArgv(process.argv).forEach(requestOpen)
    win = createWindow()
  })
}
