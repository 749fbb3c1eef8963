/**
 * `aekit/data`: data sets as flat samples — Fashion-MNIST (checked against pinned SHA-256s),
 * IDX files, sequence CSV files, image files and folders of them (held as uint8, in memory or in a
 * cache file), the book's generated point cloud.
 */

export type { DownloadProgress, FashionMnist, LoadOptions, Split } from './fashion-mnist.js';
export { CLASS_NAMES, loadFashionMnist } from './fashion-mnist.js';
export type { DataErrorCode, IdxImages, IdxLabels } from './idx.js';
export { DataError, parseIdxImages, parseIdxLabels } from './idx.js';
export type { DecodedImage, ImageFiles, ImageReadOptions, ReadImagesOptions } from './image-files.js';
export { decodeImage, IMAGE_EXTENSIONS, ImageFileError, readImageFile, readImages } from './image-files.js';
export type { ImageFolderRequest, LoadImageFolderOptions } from './image-folder.js';
export { loadImageFolder } from './image-folder.js';
export type { PointCloud } from './point-cloud.js';
export { pointCloud } from './point-cloud.js';
export { FileRows } from './row-file.js';
export type { LabelledSamples, Samples } from './samples.js';
export { firstSamples, pickSamples, sampleSize } from './samples.js';
export type { SequenceCsvOptions, Sequences } from './sequences-csv.js';
export { CsvError, parseSequenceCsv, readSequenceCsv } from './sequences-csv.js';
export { excludeFromTraining, withoutClass } from './subsets.js';
