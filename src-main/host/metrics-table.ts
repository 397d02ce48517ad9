/** `quantscope metrics` as text: pycocotools' summary lines, or a `yolo val`-style table. */
import type { MetricsReport } from '../core/metrics/metrics-report'

const f3 = (v: number): string => (v < 0 ? '-1.000' : v.toFixed(3))

/** pycocotools' `summarize()` lines, exactly as it prints them (`' {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}'`). */
export function cocoSummaryLines(stats: readonly number[]): string[] {
  const rows: [string, string, string, string][] = [
    ['Average Precision', '(AP)', '0.50:0.95', '   all'],
    ['Average Precision', '(AP)', '0.50     ', '   all'],
    ['Average Precision', '(AP)', '0.75     ', '   all'],
    ['Average Precision', '(AP)', '0.50:0.95', ' small'],
    ['Average Precision', '(AP)', '0.50:0.95', 'medium'],
    ['Average Precision', '(AP)', '0.50:0.95', ' large'],
    ['Average Recall', '(AR)', '0.50:0.95', '   all'],
    ['Average Recall', '(AR)', '0.50:0.95', '   all'],
    ['Average Recall', '(AR)', '0.50:0.95', '   all'],
    ['Average Recall', '(AR)', '0.50:0.95', ' small'],
    ['Average Recall', '(AR)', '0.50:0.95', 'medium'],
    ['Average Recall', '(AR)', '0.50:0.95', ' large'],
  ]
  const maxDets = [100, 100, 100, 100, 100, 100, 1, 10, 100, 100, 100, 100]
  return rows.map(
    ([title, kind, iou, area], i) =>
      ` ${title.padEnd(18)} ${kind} @[ IoU=${iou} | area=${area} | maxDets=${String(maxDets[i]).padStart(3)} ] = ${f3(stats[i]!)}`,
  )
}

export function formatMetricsTable(report: MetricsReport): string {
  const lines: string[] = []
  if (report.flavor === 'ultralytics' && report.ultralytics) {
    const u = report.ultralytics
    const header = `${'Class'.padStart(22)}${'Instances'.padStart(11)}${'P'.padStart(11)}${'R'.padStart(11)}${'mAP50'.padStart(11)}${'mAP50-95'.padStart(11)}`
    lines.push(header)
    const gtTotal = report.perClass.reduce((s, c) => s + c.nGt, 0)
    lines.push(
      `${'all'.padStart(22)}${String(gtTotal).padStart(11)}${f3(u.precision).padStart(11)}${f3(u.recall).padStart(11)}${f3(u.map50).padStart(11)}${f3(u.map50_95).padStart(11)}`,
    )
    for (const c of report.perClass) {
      if (!c.ultralytics) continue
      const x = c.ultralytics
      lines.push(
        `${c.name.slice(0, 21).padStart(22)}${String(c.nGt).padStart(11)}${f3(x.precision).padStart(11)}${f3(x.recall).padStart(11)}${f3(x.ap50).padStart(11)}${f3(x.ap50_95).padStart(11)}`,
      )
    }
    lines.push(
      `(P and R at confidence ${u.confidence.toFixed(3)}, where the mean F1 peaks; COCO numbers below)`,
      '',
    )
  }
  lines.push(...cocoSummaryLines(report.stats))
  if (report.flavor === 'coco') {
    lines.push(
      '',
      `${'class'.padEnd(22)}${'AP'.padStart(8)}${'AP50'.padStart(8)}${'AP75'.padStart(8)}${'gt'.padStart(7)}${'dets'.padStart(8)}`,
    )
    for (const c of report.perClass) {
      lines.push(
        `${c.name.slice(0, 21).padEnd(22)}${f3(c.ap).padStart(8)}${f3(c.ap50).padStart(8)}${f3(c.ap75).padStart(8)}${String(c.nGt).padStart(7)}${String(c.nDt).padStart(8)}`,
      )
    }
  }
  if (report.confusion) {
    const cm = report.confusion
    const t = cm.total
    lines.push(
      '',
      `at conf > ${cm.conf} and IoU > ${cm.iou}: precision ${f3(t.precision)}, recall ${f3(t.recall)} (TP ${t.tp}, FP ${t.fp}, FN ${t.fn})`,
    )
  }
  return lines.join('\n')
}
