package io.github.statesync.core.publish;

import io.github.statesync.core.protocol.Revision;

/**
 * The outcome of a compare-and-set publish.
 *
 * @param published whether the state was written
 * @param revision the new revision if it was, else the topic's current revision (the
 * conflict)
 * @author statesync
 * @since 0.1.0
 */
public record PublishResult(boolean published, Revision revision) {

}
