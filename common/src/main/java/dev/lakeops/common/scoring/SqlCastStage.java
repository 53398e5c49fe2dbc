package dev.lakeops.common.scoring;

import dev.lakeops.common.error.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQLTransformer, only for the statement the training job writes to turn booleans into numbers:
 * {@code SELECT *, CAST(`b` AS DOUBLE) AS `out`, ... FROM __THIS__}. Any other statement fails at
 * load, naming it. true/false become 1.0/0.0, null stays null, a number is kept as a double.
 */
final class SqlCastStage implements Stage {
  private static final String NAME = "SQLTransformer";
  private static final String IDENT = "`((?:[^`]|``)+)`";
  private static final Pattern CAST =
      Pattern.compile("\\s*,\\s*CAST\\(\\s*" + IDENT + "\\s+AS\\s+DOUBLE\\s*\\)\\s+AS\\s+" + IDENT);
  private static final Pattern WHOLE =
      Pattern.compile(
          "(?i)\\s*SELECT\\s+\\*((?:\\s*,\\s*CAST\\(\\s*"
              + IDENT
              + "\\s+AS\\s+DOUBLE\\s*\\)\\s+AS\\s+"
              + IDENT
              + ")+)\\s+FROM\\s+__THIS__\\s*");

  private final int[] in;
  private final int[] out;
  private final String[] names;

  private SqlCastStage(int[] in, int[] out, String[] names) {
    this.in = in;
    this.out = out;
    this.names = names;
  }

  static Stage load(SavedStage s, Layout layout) {
    String sql = s.requiredString("statement");
    Matcher whole = WHOLE.matcher(sql);
    if (!whole.matches()) {
      throw Errors.unsupportedSqlStatement(s.dir, sql);
    }
    List<String> ins = new ArrayList<>();
    List<String> outs = new ArrayList<>();
    Matcher m = Pattern.compile("(?i)" + CAST.pattern()).matcher(whole.group(1));
    while (m.find()) {
      ins.add(m.group(1).replace("``", "`"));
      outs.add(m.group(2).replace("``", "`"));
    }
    int[] in = new int[ins.size()];
    int[] out = new int[outs.size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = layout.read(ins.get(i));
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = layout.defineScalar(outs.get(i));
    }
    return new SqlCastStage(in, out, ins.toArray(String[]::new));
  }

  @Override
  public void apply(Frame f) {
    for (int i = 0; i < in.length; i++) {
      int s = in[i];
      int o = out[i];
      Object r = f.isInput[s] ? f.raw[s] : null;
      if (r instanceof String str) {
        try {
          f.num[o] = Double.parseDouble(str.trim());
        } catch (NumberFormatException e) {
          throw new InvalidRowException(
              NAME, names[i], "cannot cast '" + str + "' to double", false);
        }
        f.nul[o] = false;
      } else {
        f.num[o] = f.num[s];
        f.nul[o] = f.nul[s];
      }
      f.integral[o] = false;
    }
  }
}
