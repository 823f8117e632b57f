package io.github.statesync.quickstart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BOM the README recommends: it manages every statesync module a user can depend on,
 * at the reactor's version, and nothing else.
 */
class StateSyncBomTests {

	private static final Path ROOT = Path.of("..");

	@Test
	void theBomManagesEveryModuleAUserCanDependOn() throws Exception {
		List<String> published = new ArrayList<>();
		for (String module : texts(children(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "modules"), "module")) {
			if (module.startsWith("statesync-") && !module.equals("statesync-bom")) {
				published.add(module);
			}
		}

		assertThat(published).contains("statesync-core", "statesync-spring-boot-starter", "statesync-spring-boot-test");
		assertThat(managed("artifactId")).containsExactlyInAnyOrderElementsOf(published);
	}

	@Test
	void theBomIsAtTheReactorsVersionAndManagesThatVersion() throws Exception {
		Element bom = pom(ROOT.resolve("statesync-bom").resolve("pom.xml")).getDocumentElement();

		assertThat(texts(bom, "version")).containsExactly(System.getProperty("statesync.version"));
		assertThat(managed("groupId")).containsOnly("io.github.statesync");
		assertThat(managed("version")).containsOnly("${project.version}");
	}

	private static List<String> managed(String field) throws Exception {
		Element bom = pom(ROOT.resolve("statesync-bom").resolve("pom.xml")).getDocumentElement();
		List<String> values = new ArrayList<>();
		for (Element dependency : elements(children(children(bom, "dependencyManagement"), "dependencies"),
				"dependency")) {
			values.addAll(texts(dependency, field));
		}
		return values;
	}

	private static Document pom(Path file) throws Exception {
		return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
	}

	private static Element children(Element parent, String name) {
		List<Element> found = elements(parent, name);
		assertThat(found).as("<%s> in <%s>", name, parent.getTagName()).hasSize(1);
		return found.get(0);
	}

	private static List<Element> elements(Element parent, String name) {
		List<Element> found = new ArrayList<>();
		NodeList nodes = parent.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			Node node = nodes.item(i);
			if (node instanceof Element element && element.getTagName().equals(name)) {
				found.add(element);
			}
		}
		return found;
	}

	private static List<String> texts(Element parent, String name) {
		return elements(parent, name).stream().map((element) -> element.getTextContent().trim()).toList();
	}

}
