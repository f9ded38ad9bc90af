package io.vectorsink.cli;

import io.vectorsink.error.ConfigException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed command line. Accepts both forms Airbyte uses: {@code write --config F --catalog F} and the
 * Java-image form {@code --write --config F --catalog F}; the same for spec and check.
 */
record CommandLine(String command, Map<String, String> options) {
    static final Set<String> COMMANDS = Set.of("spec", "check", "write", "query");
    private static final Set<String> VALUED =
            Set.of("config", "catalog", "text", "limit", "stream", "namespace", "state");

    static CommandLine parse(List<String> args) {
        String command = null;
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String bare = arg.startsWith("--") ? arg.substring(2) : arg;
            if (command == null && COMMANDS.contains(bare)) {
                command = bare;
            } else if (arg.startsWith("--") && VALUED.contains(bare)) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException("Option " + arg + " needs a value");
                }
                options.put(bare, args.get(++i));
            } else {
                throw new ConfigException("Unknown argument '" + arg + "'. Usage: spec | check --config FILE"
                        + " | write --config FILE --catalog FILE | query --config FILE --text TEXT"
                        + " [--limit K] [--stream NAME [--namespace NS]]");
            }
        }
        if (command == null) {
            throw new ConfigException("No command given: expected one of spec, check, write, query");
        }
        return new CommandLine(command, Map.copyOf(options));
    }

    Path requiredPath(String option) {
        String value = options.get(option);
        if (value == null) {
            throw new ConfigException("The " + command + " command needs --" + option + " FILE");
        }
        return Path.of(value);
    }

    Optional<String> option(String option) {
        return Optional.ofNullable(options.get(option));
    }
}
