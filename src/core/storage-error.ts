// Disk-full and permission errors while writing a run's files, named by the file they were writing:
// `writeSync` on a descriptor fails with a bare "ENOSPC: no space left on device, write", and an atomic
// write fails on its temporary name, so the writers attach the path the user knows.

/** The error codes that mean "the disk or the folder will not take this file" (not a bug in vc). */
const STORAGE_CODES: Readonly<Record<string, string>> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file is larger than the file system allows",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  EIO: "an input/output error of the disk",
};

/** A write that the file system refused: which file, the error code, its meaning in words. */
export interface StorageFailure {
  path: string;
  code: string;
  reason: string;
}

/** An Error carrying the path of the file being written (thrown by the run's writers). */
export class StorageError extends Error {
  readonly code: string;
  constructor(
    readonly path: string,
    code: string,
    readonly reason: string,
  ) {
    super(`cannot write ${path}: ${reason} (${code})`);
    this.name = "StorageError";
    this.code = code;
  }
}

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : null;
}

/**
 * `error` as a StorageError naming `path` when it is a disk-full or permission error (one that
 * already names a path keeps it); any other error comes back unchanged.
 */
export function withPath(error: unknown, path: string): unknown {
  if (error instanceof StorageError) return error;
  const failure = storageFailureOf(error);
  return failure !== null ? new StorageError(path, failure.code, failure.reason) : error;
}

/** File-system calls whose failure is a storage failure (a spawn's EACCES is a command's problem, not one). */
const FILE_CALLS = new Set(["open", "write", "mkdir", "rename", "close", "ftruncate", "fsync", "copyfile", "unlink"]);

/**
 * The storage failure `error` is, or null: a StorageError, or a raw file-system error of a disk-full
 * or permission kind from a file call (named by its own path).
 */
export function storageFailureOf(error: unknown): StorageFailure | null {
  if (error instanceof StorageError) return { path: error.path, code: error.code, reason: error.reason };
  const code = codeOf(error);
  const reason = code === null ? undefined : STORAGE_CODES[code];
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  if (code === null || reason === undefined || typeof syscall !== "string" || !FILE_CALLS.has(syscall)) return null;
  const path = (error as { path?: unknown }).path;
  return { path: typeof path === "string" ? path : "(unknown file)", code, reason };
}
