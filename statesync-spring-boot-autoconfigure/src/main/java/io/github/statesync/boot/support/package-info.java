/**
 * Small helpers every runtime package may use, depending on none of them: masking
 * credentials in URLs and messages.
 * <p>
 * Internal: the public types here are public for the other packages of this module only
 * and may change without notice.
 */
@NullMarked
package io.github.statesync.boot.support;

import org.jspecify.annotations.NullMarked;
