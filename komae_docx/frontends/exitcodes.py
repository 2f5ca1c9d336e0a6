"""The exit codes of ``komae-docx``, shared by the parser (its help) and the commands."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_REFUSED = 2
EXIT_UNEXPECTED = 3
EXIT_UNDETERMINED = 4
EXIT_INTERRUPTED = 130

EXIT_CODES = {
    EXIT_OK: "成功",
    EXIT_FINDINGS: (
        "報告書に誤りあり（check）／未記入があり書き出さなかった（finalize）／"
        "写しの記入が食い違い書き出さなかった（merge）／結果の誤り（grade）"
    ),
    EXIT_REFUSED: "入力・出力を受け付けられない（メッセージにファイルと場所）",
    EXIT_UNEXPECTED: "予期しない問題（--debug で詳細）",
    EXIT_UNDETERMINED: "未確定（grade：評価が決まらない施策あり／status：未記入あり）",
}
