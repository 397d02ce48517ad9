/**
 * Files dragged anywhere over the window: `active` while a drag carrying files is over it, `onFiles` with
 * what was dropped. Drags of text or links are left alone.
 */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer !== null && Array.from(event.dataTransfer.types).includes('Files')
}

export function useFileDrop(onFiles: (files: File[]) => void): { active: Ref<boolean> } {
  const active = ref(false)
  // dragenter/dragleave fire for every child crossed; count them to know when the drag really left.
  let depth = 0

  function onDragEnter(event: DragEvent): void {
    if (!carriesFiles(event)) return
    event.preventDefault()
    depth += 1
    active.value = true
  }
  function onDragOver(event: DragEvent): void {
    if (!carriesFiles(event)) return
    event.preventDefault()
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy'
  }
  function onDragLeave(event: DragEvent): void {
    if (!carriesFiles(event)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) active.value = false
  }
  function onDrop(event: DragEvent): void {
    depth = 0
    active.value = false
    const files = event.dataTransfer ? Array.from(event.dataTransfer.files) : []
    if (files.length === 0) return
    // Without this the browser would navigate to the dropped file.
    event.preventDefault()
    onFiles(files)
  }

  onMounted(() => {
    window.addEventListener('dragenter', onDragEnter)
    window.addEventListener('dragover', onDragOver)
    window.addEventListener('dragleave', onDragLeave)
    window.addEventListener('drop', onDrop)
  })
  onBeforeUnmount(() => {
    window.removeEventListener('dragenter', onDragEnter)
    window.removeEventListener('dragover', onDragOver)
    window.removeEventListener('dragleave', onDragLeave)
    window.removeEventListener('drop', onDrop)
  })

  return { active }
}
