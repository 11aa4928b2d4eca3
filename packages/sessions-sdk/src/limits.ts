// The API's limits and the client's bounds, in one dependency-free module (the `model` entry exports them).

/** Ids per change-state request: the API's limit. */
export const MAX_IDS_PER_CHANGE = 100;
/** Longest note, in Unicode code points. */
export const MAX_NOTE_LENGTH = 2000;

/** The largest page size: the `maximum` of `page_size` in the vendor's API description (the Python SDK keeps to 50). */
export const MAX_PAGE_SIZE = 1000;

/** The page size when none is given: what the Python SDK and CLI ask for. */
export const DEFAULT_PAGE_SIZE = 50;

/** Default `concurrency` of `iterAll`. */
export const DEFAULT_CONCURRENCY = 4;
/** Highest accepted `concurrency`. */
export const MAX_CONCURRENCY = 16;
