/**
 * `aekit/viz`: pictures — image grids (any H×W×C), reconstructions, denoising and VAE grids, loss
 * curves, maps, histograms, per-feature error bars, and the HTML report. Charts are SVG (`lineChartSvg`, …) rasterised
 * to PNG by sharp; the PNG functions are async.
 */

export type { CaptionedImage, ErrorGridOptions } from './anomaly-plots.js';
export { errorGridPng, histogramPng } from './anomaly-plots.js';
export type { ScatterOptions } from './basic-charts.js';
export { histogramPanels, scatterPlot } from './basic-charts.js';
export { denoisingGrid } from './denoising.js';
export type { FeatureErrorsOptions } from './feature-errors.js';
export { featureErrorsPng, featureErrorsSvg } from './feature-errors.js';
export type { ImageGridOptions, ImageShape } from './image-grid.js';
export { imageGrid, imagePng, MNIST_SHAPE } from './image-grid.js';
export { curvesPng, lineChartPng } from './line-chart.js';
export type { MapPlotOptions, ThumbnailMapOptions } from './map-plot.js';
export { scatterMapPng, thumbnailMapPng } from './map-plot.js';
export { svgToPng } from './raster.js';
export { reconstructionGrid } from './reconstructions.js';
export type { ReportContent, ReportImage } from './report-html.js';
export { reportHtml } from './report-html.js';
export type { HistogramGroup, HistogramOptions, HistogramPanel, LineChartOptions, Series } from './svg-charts.js';
export { CLASS_COLOURS, histogramPanelsSvg, histogramSvg, lineChartSvg, scatterSvg } from './svg-charts.js';
export { generateImages, interpolationGrid } from './vae-grids.js';
