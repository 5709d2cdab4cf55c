/** Largest manifest (index, image, referrers index) we read. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Largest image configuration blob we read. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Layer blobs HEADed at once per validation. */
export const LAYER_CHECK_CONCURRENCY = 8;
