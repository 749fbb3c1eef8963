/**
 * `aekit/data`: data sets as flat samples — Fashion-MNIST (checked against pinned SHA-256s),
 * IDX files (images of any size), NumPy `.npy` arrays, tables (CSV), sequence CSV files, image
 * files and folders of them (held as uint8, in memory or in a cache file), the book's generated
 * point cloud; `loadData` reads any of them. NAB's directory layout (series, windows, profiles, a
 * detector's results) is read by `loadNabCorpus` and `loadNabResults`.
 */

export type { ColumnScaling, DataSpec, Dataset, ImageLayout } from './dataset.js';
export type { DownloadProgress, FashionMnist, LoadOptions, Split } from './fashion-mnist.js';
export { CLASS_NAMES, loadFashionMnist } from './fashion-mnist.js';
export type { DataErrorCode, IdxImages, IdxLabels } from './idx.js';
export { DataError, parseIdxImages, parseIdxLabels } from './idx.js';
export type { IdxImageSet, IdxOptions, IdxRequest, IdxSpec } from './idx-images.js';
export { loadIdx, parseIdxImageSet } from './idx-images.js';
export type { DecodedImage, ImageFiles, ImageReadOptions, ReadImagesOptions } from './image-files.js';
export { decodeImage, IMAGE_EXTENSIONS, ImageFileError, readImageFile, readImages } from './image-files.js';
export type { ImageFolderRequest, LoadImageFolderOptions } from './image-folder.js';
export { loadImageFolder } from './image-folder.js';
export type { DataRequest, LoadDataOptions } from './load.js';
export { loadData } from './load.js';
export type { NabCorpus, NabDataFile, NabLabelWindow, NabProfileWeights, NabResults } from './nab.js';
export { loadNabCorpus, loadNabResults, loadNabThresholds, parseNabTimestamp } from './nab.js';
export type { NpyArray, NpyDtype, NpyOptions, NpyRequest, NpySpec, SampleLike } from './npy.js';
export { encodeNpy, loadNpy, parseNpy } from './npy.js';
export type { PointCloud } from './point-cloud.js';
export { pointCloud } from './point-cloud.js';
export { FileRows } from './row-file.js';
export type { AnySamples, ByteRows, ByteSamples, LabelledSamples, PixelNormalization, Samples } from './samples.js';
export {
  firstSamples,
  floatRows,
  globalContrastNormalize,
  MemoryRows,
  PIXEL_NORMALIZATIONS,
  pickSamples,
  sampleSize,
  toFloatSamples,
} from './samples.js';
export type { CsvErrorCode, SequenceCsvOptions, Sequences } from './sequences-csv.js';
export { CsvError, parseSequenceCsv, readSequenceCsv } from './sequences-csv.js';
export type { SeriesData, SeriesDataset, SeriesOptions, SeriesRequest, SeriesSpec } from './series.js';
export { DEFAULT_SERIES_WINDOW, loadSeries, parseSeries, seriesWindows, windowStarts } from './series.js';
export { seededSplit, splitSamples } from './split.js';
export { excludeFromTraining, withoutClass } from './subsets.js';
export type { TableOptions, TableRequest, TableSpec } from './table.js';
export { loadTable, parseTable } from './table.js';
