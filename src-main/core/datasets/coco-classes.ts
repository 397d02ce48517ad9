/**
 * COCO's 80 detection classes as YOLO models number them (index 0..79) and as COCO's JSON numbers them
 * (category ids 1..90 with gaps: the 2014 paper listed 91 ids, 11 of which never got annotations).
 */

/** COCO 2017's category names in id order; Ultralytics' coco.yaml uses the same 80 names in the same order. */
export const COCO80_NAMES: readonly string[] = [
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  'traffic light',
  'fire hydrant',
  'stop sign',
  'parking meter',
  'bench',
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
  'backpack',
  'umbrella',
  'handbag',
  'tie',
  'suitcase',
  'frisbee',
  'skis',
  'snowboard',
  'sports ball',
  'kite',
  'baseball bat',
  'baseball glove',
  'skateboard',
  'surfboard',
  'tennis racket',
  'bottle',
  'wine glass',
  'cup',
  'fork',
  'knife',
  'spoon',
  'bowl',
  'banana',
  'apple',
  'sandwich',
  'orange',
  'broccoli',
  'carrot',
  'hot dog',
  'pizza',
  'donut',
  'cake',
  'chair',
  'couch',
  'potted plant',
  'bed',
  'dining table',
  'toilet',
  'tv',
  'laptop',
  'mouse',
  'remote',
  'keyboard',
  'cell phone',
  'microwave',
  'oven',
  'toaster',
  'sink',
  'refrigerator',
  'book',
  'clock',
  'vase',
  'scissors',
  'teddy bear',
  'hair drier',
  'toothbrush',
]

/** YOLO class index (0..79) → COCO category id (1..90), Ultralytics' `coco80_to_coco91_class()`. */
export const COCO80_TO_91: readonly number[] = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 31, 32, 33,
  34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61,
  62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90,
]

/**
 * Darknet's coco.names spells six classes differently; a data.yaml copied from a Darknet/Hailo/NXP
 * toolchain often carries these. Same classes, same order.
 */
const DARKNET_ALIASES: ReadonlyMap<string, string> = new Map([
  ['motorbike', 'motorcycle'],
  ['aeroplane', 'airplane'],
  ['sofa', 'couch'],
  ['pottedplant', 'potted plant'],
  ['diningtable', 'dining table'],
  ['tvmonitor', 'tv'],
])

/** A class name as COCO spells it: lower case, single spaces, Darknet aliases resolved. */
export function cocoName(name: string): string {
  const plain = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ')
  return DARKNET_ALIASES.get(plain) ?? plain
}

/** True when `names` are COCO's 80 classes in COCO's order (case, `_` and Darknet spellings forgiven). */
export function isCoco80Names(names: readonly string[]): boolean {
  return names.length === COCO80_NAMES.length && names.every((n, i) => cocoName(n) === COCO80_NAMES[i])
}

/** COCO category id → its name, for the 80 ids that have annotations. */
export const COCO91_NAME: ReadonlyMap<number, string> = new Map(
  COCO80_TO_91.map((id, i) => [id, COCO80_NAMES[i] ?? '']),
)
