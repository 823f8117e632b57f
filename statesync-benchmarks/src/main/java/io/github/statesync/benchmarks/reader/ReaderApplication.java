package io.github.statesync.benchmarks.reader;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A reader: a non-web Spring Boot application with the statesync starter and nothing
 * else, configured as a user would, through {@code statesync.*} and
 * {@code spring.data.redis.*}.
 *
 * @author statesync
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class ReaderApplication {

}
