/**
 * The IPC messages between the `file` probe and its child process (`file-check-child.ts`).
 */

/** What makes a stamp file this stamp file: its content and where it lives. */
export interface StampIdentity {
  /** The stamp's content, trimmed. */
  content: string;
  /** Device number, as a decimal string (it may not fit a double). */
  dev: string;
  /** Inode number, as a decimal string (it may not fit a double). */
  ino: string;
}

/** Parent → child: check this stamp (and this directory). */
export interface FileCheckRequest {
  /** Matches the reply to the request. */
  id: number;
  /** Path of the stamp file. */
  stamp: string;
  /** When set, the stamp's trimmed content must equal it. */
  stampId?: string;
  /** Directory of the write/read test file. */
  testDir: string;
  /** Whether to run the write/read test. */
  write: boolean;
  /** Names the test file `.tandem-<hostname>`, so nodes sharing the file system don't collide. */
  hostname: string;
}

/** Child → parent: the outcome, and the stamp identity whenever the stamp could be read. */
export interface FileCheckReply {
  id: number;
  status: "ok" | "fail";
  message: string;
  identity?: StampIdentity;
}
