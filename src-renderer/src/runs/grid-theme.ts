/** AG Grid's Quartz theme in Quantscope's colours and density (the theme injects its CSS as <style>, allowed by the CSP). */
import { themeQuartz } from 'ag-grid-community'

export const runsGridTheme = themeQuartz.withParams({
  fontFamily:
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif',
  fontSize: 12,
  headerFontSize: 11,
  headerFontWeight: 600,
  headerTextColor: '#5b6676',
  headerBackgroundColor: '#f7f8fa',
  foregroundColor: '#1b2430',
  accentColor: '#2f62d0',
  borderColor: '#dde2e9',
  rowBorder: { color: '#edf0f4' },
  rowHeight: 28,
  headerHeight: 32,
  spacing: 5,
  wrapperBorderRadius: 5,
  selectedRowBackgroundColor: '#e9effb',
  oddRowBackgroundColor: '#ffffff',
})
