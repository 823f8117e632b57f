/**
 * Last-known-good snapshots on local disk: see
 * {@link io.github.statesync.core.archive.FileSnapshotArchive}.
 */
@NullMarked
package io.github.statesync.core.archive;

import org.jspecify.annotations.NullMarked;
