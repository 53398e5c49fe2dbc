package dev.lakeops.flink.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class HtmlTest {
  /** Strings a user may name a model or feature: markup, references, quotes, script ends. */
  static final List<String> NASTY =
      List.of(
          KnownReport.HOSTILE,
          "a & b",
          "&amp;",
          "&lt;x&gt;",
          "\"quoted\" and 'single'",
          "</script><script>alert(1)</script>",
          "<!-- comment",
          "x\u2028y\u2029z",
          "plain_name");

  @Test
  void escapesTheFiveCharactersThatEndTextOrAttributes() {
    assertThat(Html.escape("a<b>&\"'c")).isEqualTo("a&lt;b&gt;&amp;&quot;&#39;c");
    assertThat(Html.escape("nswprice_mean_24h")).isEqualTo("nswprice_mean_24h");
    assertThat(Html.escape(null)).isEmpty();
  }

  @Test
  void anEscapedStringReadsBackAsItselfInTextAndInEitherQuotedAttribute() {
    for (String s : NASTY) {
      String e = Html.escape(s);
      Document doc =
          Jsoup.parse(
              "<p id=a title=\"" + e + "\" lang='" + e + "'>" + e + "</p><p id=b>after</p>");
      Element p = doc.getElementById("a");
      assertThat(p).as(s).isNotNull();
      assertThat(p.wholeText()).as(s).isEqualTo(s);
      assertThat(p.attr("title")).as(s).isEqualTo(s);
      assertThat(p.attr("lang")).as(s).isEqualTo(s);
      assertThat(p.children()).as(s).isEmpty(); // no element was injected
      assertThat(doc.getElementById("b").text()).isEqualTo("after");
      assertThat(doc.select("script, img")).as(s).isEmpty();
    }
  }

  @Test
  void scriptJsonStaysInsideItsScriptElementAndParsesBackToTheSameValue() throws Exception {
    Map<String, Object> value = Map.of("names", NASTY, "n", 0.4123, "none", List.of());
    String json = Html.scriptJson(value);
    assertThat(json).doesNotContain("<", ">", "&", "\u2028", "\u2029");
    Document doc =
        Jsoup.parse(
            "<html><body><script id=d type=\"application/json\">"
                + json
                + "</script><p id=after>after</p></body></html>");
    assertThat(doc.select("script")).hasSize(1);
    assertThat(doc.getElementById("after").text()).isEqualTo("after");
    Object back = new ObjectMapper().readValue(doc.getElementById("d").data(), Object.class);
    assertThat(back).isEqualTo(value);
  }
}
