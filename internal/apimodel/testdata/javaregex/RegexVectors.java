// RegexVectors records how java.util.regex (the engine behind Cognito's
// model patterns) judges a fixed set of probe strings against every model
// pattern, so the Go tests can check the RE2 translations and hand-written
// equivalents without needing Java. Regenerate (JDK 11+) from
// internal/apimodel with:
//
//   go run ./gen -list-patterns | java testdata/javaregex/RegexVectors.java > testdata/java_regex_vectors.json
//
// Output: {"jdk": ..., "strings": [...], "patterns": [{"p": ..., "m": "0101..."}]}
// where m[i] is '1' when Pattern.compile(p).matcher(strings[i]).matches().
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

public class RegexVectors {
    // Characters on which Java and RE2 classes are most likely to disagree.
    static final String[] PROBES = {
        "a", "Z", "0", "9", "_", "-", ".", "+", "=", "/", ",", "@", ":", "#", "{", "}",
        " ", "\t", "\n", "\u000B", "\f", "\r", "\u0085", "\u00A0", "\u2028", "\u2029", "\u3000",
        "\u0000", "\u0001", "\u007F", "\"", "\\", "*", "!", "~", "$", "^", "|",
        "\u00E9", "\u0301", "\u4E2D", "\uD83D\uDE00", "\u00A9", "\u2013", "\u00B2", "\u0660",
        "\uFEFF", "\u200B", "\uFFFD", "\u00AD", "\u20AC", "\u2603",
    };

    static final String[] SAMPLES = {
        "", "abc", "ABC123", "us-east-1_AbC123", "YOUR_USER_POOL_ID", " ap-northeast-1_xxx",
        "us-east-1_0123abcd-4567-89ab-cdef-0123456789ab", "arn:aws:iam::123456789012:role/x",
        "arn:aws:s3:::bucket", "arn:aws:sns:us-east-1:123456789012:topic", "import-AbC-1",
        "{####}", "Your code is {####}", "x\r{####}", "{####}\u2028", "\u0085{####}", "a\n{####}",
        "{####}\u000B", "{##a\u000Bb##}", "{##Click##}", "x {##link##} y", "terms-of-use",
        "privacy-policy", "cognito:english", "cognito:chinese-simplified", "cognito:klingon",
        "0123abcdef", "0123ABCDEFG", "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        "3f2504e0-4f89-31d3-9a0c-0305e82c3301", "my-domain", "-domain", "domain-", "a.b", "a.",
        ".", "bucket_name-1.x", "hello world", " x", "x ", "a b", "P@ssw0rd!", "123456", "12345a",
        "user@example.com", "@example.com", "_ab", "a_b", "ab_", "e30=", "abc+/=", "line1\nline2",
        "tab\there", "\u00E9t\u00E9", "\uD83D\uDE00\uD83D\uDE00", "ALLOW_USER_SRP_AUTH",
    };

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> patterns = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isEmpty()) patterns.add(line);
        }
        Set<String> strings = new LinkedHashSet<>(List.of(SAMPLES));
        for (String p : PROBES) {
            strings.add(p);
            strings.add(p + p);
            strings.add("a" + p + "b");
            strings.add(p + "a");
            strings.add("a" + p);
        }
        Random rnd = new Random(20160418);
        for (int i = 0; i < 150; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = rnd.nextInt(6); n > 0; n--) sb.append(PROBES[rnd.nextInt(PROBES.length)]);
            strings.add(sb.toString());
        }
        List<String> list = new ArrayList<>(strings);
        StringBuilder out = new StringBuilder();
        out.append("{\"jdk\":").append(quote(System.getProperty("java.version"))).append(",\n\"strings\":[");
        for (int i = 0; i < list.size(); i++) out.append(i > 0 ? ",\n" : "\n").append(quote(list.get(i)));
        out.append("],\n\"patterns\":[");
        for (int i = 0; i < patterns.size(); i++) {
            Pattern re = Pattern.compile(patterns.get(i));
            StringBuilder bits = new StringBuilder();
            for (String s : list) bits.append(re.matcher(s).matches() ? '1' : '0');
            out.append(i > 0 ? ",\n" : "\n").append("{\"p\":").append(quote(patterns.get(i)))
               .append(",\"m\":\"").append(bits).append("\"}");
        }
        out.append("]}\n");
        System.out.print(out);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7E) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
