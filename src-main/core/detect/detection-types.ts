/**
 * The shapes that flow through detection post-processing. Everything here is pure data in typed arrays:
 * model outputs in, candidate boxes out, NMS, then boxes mapped back to original-image pixels.
 *
 * Coordinate spaces (never mixed without a named conversion):
 * - model pixels: the preprocessed input tensor's frame (e.g. 640×640 after letterbox);
 * - image pixels: the original image's frame (what COCO ground truth uses).
 */

/** One output (or input) tensor as core sees it: row-major, float32 (integer outputs dequantized first). */
export interface NamedTensor {
  name: string
  dims: readonly number[]
  data: Float32Array
}

/** Output tensors by name, as the inference service returns them. */
export type ModelOutputs = ReadonlyMap<string, NamedTensor>

export type DecoderName = 'yolov5' | 'yolov8' | 'yolox' | 'nanodet' | 'e2e' | 'raw-v5' | 'raw-v8'

export interface DecodeContext {
  /** Model input size in pixels (after preprocessing). */
  inputWidth: number
  inputHeight: number
  /**
   * Drop rows whose best class score is below this (a row is kept iff best >= minScore; NaN rows are
   * dropped). Pass `candidateFloor(nmsOptions)` from nms.ts: then NMS results are identical to decoding
   * every row, only faster. Undefined keeps every row.
   */
  minScore?: number
  /**
   * The model's class count when known (metadata `names`, the dataset). Needed where a layout leaves it
   * open: a NanoDet [1, N, C + 4·bins] output, a segmentation head whose mask coefficients follow the
   * classes ([1, 4 + C + 32, N]), e2e rows (the class index is a value, not a column).
   */
  numClasses?: number
  /** Grid strides in pixels, ascending. Default [8, 16, 32] (NanoDet also tries [8, 16, 32, 64]). */
  strides?: readonly number[]
  /**
   * raw-v5 only: anchors per level in model pixels, ascending stride, each [w0, h0, w1, h1, …].
   * Default: YOLOv5's P3–P5 anchors (P3–P6 for four levels).
   */
  anchors?: readonly (readonly number[])[]
  /**
   * raw-v5 / raw-v8 only: true when the objectness and class maps already hold probabilities (a Hailo
   * HEF's yolov8 cls outputs carry the sigmoid on chip). Default false: logits, the decoder applies sigmoid.
   */
  scoresActivated?: boolean
  /**
   * nanodet / raw-v8: the anchor point of grid cell (x, y) is ((x + offset)·stride, (y + offset)·stride).
   * Default 0.5 (Ultralytics `make_anchors`; NanoDet's GFL head, e.g. nanodet-m), except NanoDet with four
   * strides (NanoDet-Plus), whose priors are at (x·stride, y·stride): default 0 there.
   */
  gridCellOffset?: number
  /** nanodet / raw-v8: distribution bins per box side (NanoDet reg_max 7 → 8; Ultralytics reg_max 16 → 16). */
  dflBins?: number
}

/**
 * Boxes before NMS, in model pixels.
 * boxes: [count, 4] as x1, y1, x2, y2; scores: [count, numClasses] final class confidences (objectness
 * already multiplied in where the head has one, sigmoid already applied).
 */
export interface Candidates {
  count: number
  numClasses: number
  boxes: Float32Array
  scores: Float32Array
  /** True for end-to-end heads whose outputs are already NMS'd (then scores hold one class per row). */
  nmsApplied: boolean
  /**
   * Set by end-to-end decoders only: the class of each row (the head's own decision). Such rows carry
   * their score at scores[row·numClasses + class] and 0 in the other columns.
   */
  classes?: Int32Array
}

/** Boxes after NMS: K detections, x1, y1, x2, y2 in the frame named by the holder. */
export interface Detections {
  count: number
  boxes: Float32Array
  scores: Float32Array
  /** Class index (0-based, the model's own class order). */
  classes: Int32Array
}
