"""A gradient check's report as a Python object: the verdict, the per-input figures, the worst entries, the heatmaps,
and an HTML view for notebooks."""

import base64
import html
import json
import os


class GradcheckReport:
    """What ``adjoint gradcheck`` writes into its report folder, read back.

    Attributes: ``passed`` (bool; also the report's truth value), ``verdict`` ("PASS" or "FAIL"), ``line`` (the
    one-line verdict the CLI prints), ``json`` (report.json as a dict), ``markdown`` (report.md), ``heatmaps``
    ({input name: PNG bytes}, the relative error of each tile of the Jacobian), ``inputs`` (per-input figures).
    """

    def __init__(self, files, line):
        self.json = json.loads(files["report.json"].decode("utf-8"))
        self.markdown = files["report.md"].decode("utf-8")
        self.line = line.strip()
        self.verdict = self.json["verdict"]
        self.passed = self.verdict == "PASS"
        self.inputs = self.json["inputs"]
        names = [i["input"] for i in self.inputs]
        self.heatmaps = {}
        for n in names:
            png = files.get("error-heatmap-%s.png" % n) or (files.get("error-heatmap.png") if len(names) == 1 else None)
            if png is not None:
                self.heatmaps[n] = png
        self._files = files

    def __bool__(self):
        return self.passed

    def worst(self, input=None):
        """The worst entries of an input's Jacobian (the first input by default): dicts with i, j, r, s (the entry
        ∂out[i,j]/∂X[r,s]), analytic, numeric, abs_error, rel_error."""
        for i in self.inputs:
            if input is None or i["input"] == input:
                return i.get("worst", [])
        raise KeyError("no input %r in this report (inputs: %s)" % (input, ", ".join(x["input"] for x in self.inputs)))

    def heatmap(self, input=None):
        """The error heatmap of an input (the first by default), as PNG bytes."""
        if input is None:
            input = self.inputs[0]["input"]
        return self.heatmaps[input]

    def save(self, folder):
        """Writes the report's files (report.json, report.md, the heatmaps) into ``folder`` (created if absent)."""
        os.makedirs(folder, exist_ok=True)
        for name, data in self._files.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        return folder

    def __repr__(self):
        return "<GradcheckReport %s>" % self.line

    def _repr_html_(self):
        rows = []
        for i in self.inputs:
            rows.append(
                "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%.3e</td><td>%.3e</td></tr>"
                % (html.escape(i["input"]), i["verdict"], tuple(i["jacobian_shape"]), i["mode"],
                   i["entries_compared"], i["entries_failed"], i["max_abs_error"], i["max_rel_error"]))
        colour = "#1a7f37" if self.passed else "#cf222e"
        images = "".join(
            '<figure style="display:inline-block;margin:4px"><img src="data:image/png;base64,%s"/>'
            "<figcaption>∂out/∂%s</figcaption></figure>"
            % (base64.b64encode(png).decode("ascii"), html.escape(name))
            for name, png in self.heatmaps.items())
        return (
            '<div><p><b style="color:%s">%s</b> <code>%s</code></p><p>%s</p>'
            "<table><tr><th>input</th><th>verdict</th><th>Jacobian</th><th>mode</th><th>entries compared</th>"
            "<th>failed</th><th>max abs error</th><th>max rel error</th></tr>%s</table>%s</div>"
            % (colour, self.verdict, html.escape(self.json["expression"]), html.escape(self.line), "".join(rows),
               images))
