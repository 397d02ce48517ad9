/**
 * The decoders Quantscope has, by the name a user passes as `--decoder`, with the layout each reads. Kept
 * apart from the registry (decoder-detect.ts) so that decoders can quote the choices in their errors.
 */
import type { DecoderName } from '../detection-types'

export const DECODER_LAYOUTS: Readonly<Record<DecoderName, string>> = {
  yolov5: 'YOLOv5 / YOLOv7: one [1, N, 5+C] output, cx cy w h in pixels, objectness, class scores',
  yolov8: 'YOLOv8 / YOLO11: one [1, 4+C, N] output (or [1, N, 4+C]), cx cy w h in pixels, class scores',
  yolox: 'YOLOX without decode in the graph: one [1, N, 5+C] output, grid-relative boxes, strides 8/16/32',
  nanodet:
    'NanoDet (GFL): cls [1, N, C] + reg [1, N, 4·bins] per stride or concatenated, or one [1, N, C+4·bins]',
  e2e: 'NMS inside the model: [1, K, 6] x1 y1 x2 y2 score class, or [K, 7] batch x1 y1 x2 y2 class score',
  'raw-v5': 'YOLOv5 head cut at the Detect convs: per stride [1, 3·(5+C), H, W] logits, anchors',
  'raw-v8': 'YOLOv8 head cut at the end convs: per stride box [1, 64, H, W] (DFL) + cls [1, C, H, W] logits',
}

export const DECODER_NAMES: readonly DecoderName[] = Object.keys(DECODER_LAYOUTS) as DecoderName[]

/** `--decoder` choices for messages: "yolov5, yolov8, …". */
export function decoderChoices(): string {
  return DECODER_NAMES.join(', ')
}
