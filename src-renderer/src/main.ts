import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { getApiClient } from './api/client'
import App from './App.vue'
import { createAppRouter } from './router'
import { useErrorsStore } from './stores/errors'
import './styles/global.css'

// First, before the router reads the URL: picks the transport and moves a `?token=` out of the address bar.
getApiClient()

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(createAppRouter())

// A bug in the window itself is still shown to the user, never swallowed.
const errors = useErrorsStore(pinia)
const reportBug = (error: unknown): void => {
  const message = error instanceof Error ? error.message : String(error)
  errors.report(
    { code: 'INTERNAL', message: `A bug in the Quantscope window: ${message}` },
    'Running the window',
  )
}
app.config.errorHandler = (error) => {
  console.error(error)
  reportBug(error)
}
window.addEventListener('unhandledrejection', (event) => reportBug(event.reason))

app.mount('#app')
