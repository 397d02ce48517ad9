/**
 * Hash history: the same URLs work from `file://` in Electron and from `serve`, which then needs no
 * history-fallback route. Only views that exist are routed (and shown in the nav).
 */
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import ModelsView from './views/ModelsView.vue'

export interface NavEntry {
  path: string
  label: string
  /** An SVG path (24×24 viewBox) for the nav icon. */
  icon: string
}

export const NAV: readonly NavEntry[] = [
  {
    path: '/models',
    label: 'Models',
    icon: 'M12 2 3 7v10l9 5 9-5V7l-9-5Zm0 2.3 6.7 3.7L12 11.7 5.3 8 12 4.3ZM5 9.7l6 3.3v6.6l-6-3.3V9.7Zm8 9.9V13l6-3.3v6.6l-6 3.3Z',
  },
  { path: '/runs', label: 'Runs', icon: 'M3 4h18v3H3V4Zm0 6h18v3H3v-3Zm0 6h18v3H3v-3Z' },
  { path: '/ladder', label: 'Ladder', icon: 'M4 20h3v-6H4v6Zm6.5 0h3V9h-3v11ZM17 20h3V4h-3v16Z' },
  {
    path: '/compare',
    label: 'Compare',
    icon: 'M10 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h5v2h2V1h-2v2Zm0 15H5l5-6v6Zm9-15h-5v2h5v13l-5-6v9h5a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2Z',
  },
]

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/models' },
  { path: '/models', name: 'models', component: ModelsView, meta: { title: 'Models' } },
  { path: '/runs', name: 'runs', component: () => import('./views/RunsView.vue'), meta: { title: 'Runs' } },
  {
    path: '/ladder',
    name: 'ladder',
    component: () => import('./views/LadderView.vue'),
    meta: { title: 'Stage ladder' },
  },
  {
    path: '/compare',
    name: 'compare',
    component: () => import('./views/CompareView.vue'),
    meta: { title: 'Compare' },
  },
  { path: '/:unknown(.*)*', redirect: '/models' },
]

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes })
}
