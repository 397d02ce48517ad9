/**
 * A deterministic, COCO-val-sized evaluation case: 5,000 images, ~23,000 ground-truth boxes (80 COCO
 * category ids, ~1% crowd, `area` below w·h as a segmentation area is, small/medium/large all present)
 * and ~150,000 detections (jittered copies of the ground truth, duplicates, wrong classes, false
 * positives, 2% of images with 150 extra detections of one class so the 100-per-image cap bites; scores with 4
 * decimals so ties occur). Writes `gt.json` (COCO instances) and `dets.json` (COCO results).
 *
 * Self-contained (node: imports only) so Node 22 runs it directly, to time the CLI on it:
 *   node bench/make-coco-val-case.ts bench/.data/coco-val-1 [seed]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/** COCO's 80 category ids (1..90 with gaps). */
const COCO_CATEGORY_IDS = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 31, 32, 33,
  34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61,
  62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90,
]

interface CocoImage {
  id: number
  width: number
  height: number
  file_name: string
}
interface CocoAnnotation {
  id: number
  image_id: number
  category_id: number
  bbox: [number, number, number, number]
  area: number
  iscrowd: 0 | 1
}
interface CocoResult {
  image_id: number
  category_id: number
  bbox: [number, number, number, number]
  score: number
}
export interface CocoValCase {
  gt: { images: CocoImage[]; categories: { id: number; name: string }[]; annotations: CocoAnnotation[] }
  dets: CocoResult[]
}

/** mulberry32: small, fast, good enough for test data; same sequence on every platform. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits

export function makeCocoValCase(seed = 1, imageCount = 5000): CocoValCase {
  const rand = rng(seed)
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rand()
  const int = (lo: number, hi: number) => Math.floor(uniform(lo, hi + 1))
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
  const poisson = (mean: number) => {
    const limit = Math.exp(-mean)
    let k = 0
    for (let p = rand(); p > limit; p *= rand()) k++
    return k
  }
  // Skewed class frequencies, as COCO's (person ≈ a quarter of the boxes).
  const weights = COCO_CATEGORY_IDS.map((_, i) => (i === 0 ? 7 : 1 / (1 + i / 10)))
  const totalWeight = weights.reduce((s, w) => s + w, 0)
  const pickCategory = () => {
    let u = rand() * totalWeight
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!
      if (u <= 0) return COCO_CATEGORY_IDS[i]!
    }
    return COCO_CATEGORY_IDS[COCO_CATEGORY_IDS.length - 1]!
  }

  // Distinct COCO-like ids, listed in a shuffled order (the evaluator sorts them).
  const idSet = new Set<number>()
  while (idSet.size < imageCount) idSet.add(int(1, 600_000))
  const images: CocoImage[] = [...idSet].map((id) => {
    const [width, height] = rand() < 0.7 ? [640, 480] : rand() < 0.5 ? [480, 640] : [640, 427]
    return { id, width, height, file_name: `${String(id).padStart(12, '0')}.jpg` }
  })

  const annotations: CocoAnnotation[] = []
  const dets: CocoResult[] = []
  const det = (
    image: CocoImage,
    category: number,
    x: number,
    y: number,
    w: number,
    h: number,
    score: number,
  ) =>
    dets.push({
      image_id: image.id,
      category_id: category,
      bbox: [round(x, 2), round(y, 2), round(Math.max(w, 0.5), 2), round(Math.max(h, 0.5), 2)],
      score: round(score, 4),
    })

  for (const image of images) {
    const boxes = poisson(4.6)
    for (let b = 0; b < boxes; b++) {
      // Log-uniform areas from 4² to 600²: about 40% small, 35% medium, 25% large, as COCO.
      const side = Math.exp(uniform(Math.log(4), Math.log(420)))
      const aspect = Math.exp(normal() * 0.5)
      const w = Math.min(side * Math.sqrt(aspect), image.width - 1)
      const h = Math.min(side / Math.sqrt(aspect), image.height - 1)
      const x = uniform(0, image.width - w)
      const y = uniform(0, image.height - h)
      const category = pickCategory()
      const iscrowd = rand() < 0.01 ? 1 : 0
      annotations.push({
        id: annotations.length + 1,
        image_id: image.id,
        category_id: category,
        bbox: [round(x, 2), round(y, 2), round(w, 2), round(h, 2)],
        area: round(w * h * uniform(0.5, 0.9), 2),
        iscrowd,
      })
      // Found with probability 0.85; sometimes twice; sometimes under the wrong class.
      const copies = rand() < 0.85 ? (rand() < 0.4 ? 2 : 1) : 0
      for (let c = 0; c < copies; c++) {
        const jitter = c === 0 ? 0.08 : 0.2
        const dcat = rand() < 0.06 ? pickCategory() : category
        det(
          image,
          dcat,
          x + normal() * jitter * w,
          y + normal() * jitter * h,
          w * (1 + normal() * jitter),
          h * (1 + normal() * jitter),
          c === 0 ? 0.3 + 0.7 * Math.sqrt(rand()) : rand() * 0.6,
        )
      }
    }
    const falsePositives = int(6, 36)
    // 2% crowded scenes: 150 more detections of one class, so the 100-per-image-and-class cap bites.
    const crowdedClass = rand() < 0.02 ? pickCategory() : 0
    for (let f = 0; f < falsePositives + (crowdedClass ? 150 : 0); f++) {
      const side = Math.exp(uniform(Math.log(6), Math.log(300)))
      const w = side * Math.exp(normal() * 0.4)
      const h = (side * side) / w
      const category = f >= falsePositives ? crowdedClass : pickCategory()
      det(image, category, uniform(0, image.width - 10), uniform(0, image.height - 10), w, h, rand() ** 2)
    }
  }
  return {
    gt: { images, categories: COCO_CATEGORY_IDS.map((id) => ({ id, name: `class${id}` })), annotations },
    dets,
  }
}

/** Write gt.json and dets.json under dir; returns their paths and sizes. */
export function writeCocoValCase(
  dir: string,
  seed = 1,
): { gtFile: string; detsFile: string; images: number; annotations: number; detections: number } {
  const { gt, dets } = makeCocoValCase(seed)
  mkdirSync(dir, { recursive: true })
  const gtFile = path.join(dir, 'gt.json')
  const detsFile = path.join(dir, 'dets.json')
  writeFileSync(gtFile, JSON.stringify(gt))
  writeFileSync(detsFile, JSON.stringify(dets))
  return {
    gtFile,
    detsFile,
    images: gt.images.length,
    annotations: gt.annotations.length,
    detections: dets.length,
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const dir = process.argv[2]
  if (!dir) {
    console.error('usage: node bench/make-coco-val-case.ts <dir> [seed]')
    process.exit(2)
  }
  const written = writeCocoValCase(dir, Number(process.argv[3] ?? 1))
  console.log(JSON.stringify(written))
}
