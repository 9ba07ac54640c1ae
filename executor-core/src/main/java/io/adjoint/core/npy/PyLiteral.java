package io.adjoint.core.npy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser for the Python literal subset that appears in .npy headers: dicts, tuples, lists,
 * strings, integers, True/False. It builds plain Java values and never evaluates code.
 */
final class PyLiteral {
    /** A tuple, {@code (…)}: a list that remembers it was written with parentheses (NumPy's shape must be one). */
    static final class Tuple extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;
    }

    private final String s;
    private int i;

    PyLiteral(String s) {
        this.s = s;
    }

    Object parseTopLevel() {
        Object v = value(0);
        skipWs();
        if (i != s.length()) {
            throw new IllegalArgumentException("unexpected text after the dict at character " + i);
        }
        return v;
    }

    private Object value(int depth) {
        if (depth > 8) {
            throw new IllegalArgumentException("nesting too deep");
        }
        skipWs();
        if (i >= s.length()) {
            throw new IllegalArgumentException("unexpected end of header");
        }
        char c = s.charAt(i);
        if (c == '{') {
            i++;
            Map<String, Object> m = new LinkedHashMap<>();
            while (true) {
                skipWs();
                if (peek('}')) {
                    i++;
                    return m;
                }
                Object k = value(depth + 1);
                if (!(k instanceof String key)) {
                    throw new IllegalArgumentException("dict key is not a string at character " + i);
                }
                skipWs();
                expect(':');
                Object v = value(depth + 1);
                if (m.put(key, v) != null) {
                    throw new IllegalArgumentException("duplicate key '" + k + "'");
                }
                skipWs();
                if (peek(',')) {
                    i++;
                } else if (!peek('}')) {
                    throw new IllegalArgumentException("expected ',' or '}' at character " + i);
                }
            }
        }
        if (c == '(' || c == '[') {
            char close = c == '(' ? ')' : ']';
            i++;
            List<Object> l = c == '(' ? new Tuple() : new ArrayList<>();
            while (true) {
                skipWs();
                if (peek(close)) {
                    i++;
                    return l;
                }
                l.add(value(depth + 1));
                skipWs();
                if (peek(',')) {
                    i++;
                } else if (!peek(close)) {
                    throw new IllegalArgumentException("expected ',' or '" + close + "' at character " + i);
                }
            }
        }
        if (c == '\'' || c == '"') {
            int end = s.indexOf(c, i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated string at character " + i);
            }
            String str = s.substring(i + 1, end);
            if (str.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("escape sequences are not supported in header strings");
            }
            i = end + 1;
            return str;
        }
        if (s.startsWith("True", i)) {
            i += 4;
            return true;
        }
        if (s.startsWith("False", i)) {
            i += 5;
            return false;
        }
        if (c == '-' || Character.isDigit(c)) {
            int start = i;
            if (c == '-') {
                i++;
            }
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i < s.length() && s.charAt(i) == 'L') {
                i++; // Python 2 long suffix, seen in very old files
                return parseLong(s.substring(start, i - 1));
            }
            return parseLong(s.substring(start, i));
        }
        throw new IllegalArgumentException("unexpected character '" + c + "' at character " + i);
    }

    private static Long parseLong(String t) {
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad integer '" + t + "'");
        }
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw new IllegalArgumentException("expected '" + c + "' at character " + i);
        }
        i++;
    }

    private void skipWs() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    static String show(Object o) {
        return String.valueOf(o);
    }
}
