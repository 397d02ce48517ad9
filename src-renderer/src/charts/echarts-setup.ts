/**
 * The only module that imports ECharts' runtime: the chart types and components Quantscope draws, and the
 * canvas renderer, registered once. Modular imports keep the bundle to what is used (no `import 'echarts'`).
 */
import { BarChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import { init, use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer])

export { init }
export type { EChartsType } from 'echarts/core'
