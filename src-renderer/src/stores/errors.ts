/**
 * Every failed call ends up here and in the error panel: nothing is swallowed. An error repeated while
 * still on screen (the same code, message and action) is counted, not stacked.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ApiError, ErrorCode } from '../../../src-main/shared/api'

export interface ShownError {
  id: number
  code: ErrorCode
  message: string
  /** What the user was doing: `Opening /data/m.onnx`. */
  action: string
  count: number
  at: Date
}

export const useErrorsStore = defineStore('errors', () => {
  const errors = ref<ShownError[]>([])
  let nextId = 1

  function report(error: ApiError, action: string): void {
    const same = errors.value.find(
      (e) => e.code === error.code && e.message === error.message && e.action === action,
    )
    if (same) {
      same.count += 1
      same.at = new Date()
      return
    }
    errors.value.push({
      id: nextId++,
      code: error.code,
      message: error.message,
      action,
      count: 1,
      at: new Date(),
    })
  }

  function dismiss(id: number): void {
    errors.value = errors.value.filter((e) => e.id !== id)
  }

  function dismissAll(): void {
    errors.value = []
  }

  return { errors, report, dismiss, dismissAll }
})
