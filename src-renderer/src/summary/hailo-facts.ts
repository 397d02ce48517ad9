/** Short, readable phrases for the Hailo summaries (HEF, HAR, HN, .alls) on the Models screen. */
import type { HefNmsOp, HefQuantization, HefStream, HefSummary, HwcShape } from '../../../src-main/shared/api'
import { formatInteger } from '../format/numbers'
import type { Fact } from './graph-facts'

/** `40×40×64`. */
export function formatHwc(s: HwcShape): string {
  return `${s.height}×${s.width}×${s.features}`
}

/** The padded shape when it differs (`20×24×64`), else ''. */
export function paddedNote(t: Pick<HefStream, 'shape' | 'paddedShape'>): string {
  const p = t.paddedShape
  const s = t.shape
  return p.height !== s.height || p.width !== s.width || p.features !== s.features ? formatHwc(p) : ''
}

/** Six significant digits, enough to compare with HailoRT logs without float32 noise. */
export function formatScale(x: number): string {
  if (x === 0) return '0'
  return Number(x.toPrecision(6)).toString()
}

/** `[-23.655, 35.483]`. */
export function formatRange(q: HefQuantization): string {
  return `[${Number(q.limvalsMin.toPrecision(5))}, ${Number(q.limvalsMax.toPrecision(5))}]`
}

export function checksumFact(s: HefSummary): Fact {
  const c = s.container.checksum
  const what = c.scope === 'proto' ? 'protobuf' : 'bytes after the header'
  if (c.ok) {
    return {
      text: 'ok',
      short: `${c.algorithm} matches`,
      detail: `${c.algorithm} ${c.actual} over the ${what}`,
      tone: 'ok',
    }
  }
  return {
    text: 'mismatch',
    short: 'file changed or damaged',
    detail: `stored ${c.algorithm} ${c.expected}, computed ${c.actual} over the ${what}; copy the HEF again or recompile it`,
    tone: 'warn',
  }
}

export function postprocessFact(s: HefSummary): Fact {
  const ops = s.networkGroups.flatMap((g) => g.nmsOps)
  if (ops.length === 0) {
    return { text: 'none', short: 'raw outputs', detail: 'no host post-process op', tone: undefined }
  }
  const op = ops[0] as HefNmsOp
  return {
    text: `${op.metaArch} NMS`,
    short: 'on the host (HailoRT)',
    detail: `${op.name}: score ≥ ${op.scoreThreshold}, IoU ${formatScale(op.iouThreshold)}, ${op.classes} classes`,
    tone: undefined,
  }
}

/** NMS settings as label/value rows. */
export function nmsRows(op: HefNmsOp): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['Meta-architecture', op.metaArch],
    ['Score threshold', formatScale(op.scoreThreshold)],
    ['IoU threshold', formatScale(op.iouThreshold)],
    ['Classes', formatInteger(op.classes)],
    ['Max boxes per class', formatInteger(op.maxProposalsPerClass)],
  ]
  if (op.imageHeight !== null) rows.push(['Image size (H × W)', `${op.imageHeight} × ${op.imageWidth}`])
  if (op.regressionLength !== null) rows.push(['Regression length', String(op.regressionLength)])
  if (op.inputDivisionFactor) rows.push(['Input division factor', String(op.inputDivisionFactor)])
  rows.push(['Background removal', op.backgroundRemoval ? `yes (class ${op.backgroundRemovalIndex})` : 'no'])
  if (op.bboxDecodingOnly) rows.push(['Decoding only', 'yes (no NMS)'])
  if (op.maskThreshold !== null) rows.push(['Mask threshold', formatScale(op.maskThreshold)])
  return rows
}

/** When the NMS image size differs from the input stream, say so: boxes come out scaled to it. */
export function imageSizeNote(s: HefSummary): string | null {
  for (const g of s.networkGroups) {
    const input = g.inputs[0]
    for (const op of g.nmsOps) {
      if (
        input &&
        op.imageHeight !== null &&
        (op.imageHeight !== input.shape.height || op.imageWidth !== input.shape.width)
      ) {
        return `The NMS assumes a ${op.imageHeight}×${op.imageWidth} image but the input stream is ${input.shape.height}×${input.shape.width}.`
      }
    }
  }
  return null
}
