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
]

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/models' },
  { path: '/models', name: 'models', component: ModelsView, meta: { title: 'Models' } },
  { path: '/:unknown(.*)*', redirect: '/models' },
]

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes })
}
