/**
 * The only module that imports ECharts' runtime: the chart types and components Quantscope draws, and the
 * canvas renderer, registered once. Modular imports keep the bundle to what is used (no `import 'echarts'`).
 */
import { BarChart, LineChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components'
import { init, use } from 'echarts/core'
import { LabelLayout } from 'echarts/features'
import { CanvasRenderer } from 'echarts/renderers'

use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
  LabelLayout,
])

export { init }
export type { EChartsType } from 'echarts/core'
