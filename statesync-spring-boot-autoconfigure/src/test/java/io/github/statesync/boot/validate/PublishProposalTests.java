package io.github.statesync.boot.validate;

import java.util.List;
import java.util.Map;

import io.github.statesync.core.protocol.Revision;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A validator reads both states as the type it asks for, whatever form the publisher had
 * them in, and can be tested on its own.
 */
class PublishProposalTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void convertsJsonStatesToTheTypeAValidatorAsksFor() {
		JsonNode current = this.mapper.valueToTree(Map.of("flags", List.of("a", "b")));
		PublishProposal proposal = new PublishProposal("flags", Revision.of(7), current, new Flags(List.of()),
				this.mapper);
		assertThat(proposal.current(Flags.class)).isEqualTo(new Flags(List.of("a", "b")));
		assertThat(proposal.proposed(Flags.class)).isSameAs(proposal.proposed());
		assertThat(proposal.proposed(JsonNode.class).get("flags").isEmpty()).isTrue();
	}

	@Test
	void aTopicNeverWrittenHasNoCurrentState() {
		PublishProposal proposal = new PublishProposal("flags", Revision.ZERO, null, new Flags(List.of("a")),
				this.mapper);
		assertThat(proposal.current()).isNull();
		assertThat(proposal.current(Flags.class)).isNull();
	}

	@Test
	void aStateThatDoesNotConvertFailsNamingTopicAndType() {
		PublishProposal proposal = new PublishProposal("flags", Revision.of(1), this.mapper.valueToTree("text"),
				new Flags(List.of()), this.mapper);
		assertThatIllegalArgumentException().isThrownBy(() -> proposal.current(Flags.class))
			.withMessageStartingWith("state of topic 'flags' does not convert to " + Flags.class.getName());
	}

	@Test
	void forTopicChecksOnlyItsTopicAndAnEmptyFlagSetCanBeRefused() {
		PublishValidator noEmptyFlags = PublishValidator.forTopic("flags", Flags.class,
				(current, proposed) -> (current != null && !current.flags().isEmpty() && proposed.flags().isEmpty())
						? PublishVerdict.refuse("flag set emptied") : PublishVerdict.ok());
		assertThat(noEmptyFlags.supports("flags")).isTrue();
		assertThat(noEmptyFlags.supports("pricing")).isFalse();
		PublishVerdict verdict = noEmptyFlags.validate(new PublishProposal("flags", Revision.of(3),
				new Flags(List.of("beta")), this.mapper.valueToTree(Map.of("flags", List.of())), this.mapper));
		assertThat(verdict.isRefused()).isTrue();
		assertThat(verdict.reason()).isEqualTo("flag set emptied");
		assertThat(noEmptyFlags
			.validate(new PublishProposal("flags", Revision.ZERO, null, new Flags(List.of()), this.mapper)))
			.isSameAs(PublishVerdict.ok());
	}

	@Test
	void aRefusalNeedsAReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> PublishVerdict.refuse(" "));
		assertThat(PublishVerdict.ok().isRefused()).isFalse();
		assertThat(PublishVerdict.ok().reason()).isNull();
	}

	record Flags(List<String> flags) {

	}

}
