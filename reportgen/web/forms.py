from __future__ import annotations

import datetime as dt

from django import forms

class RoundForm(forms.Form):
    name = forms.CharField(label="本次报送的名称", max_length=200, initial="")
    office = forms.CharField(label="汇总机关名称（汇总报告署名）", max_length=200)
    year = forms.IntegerField(label="报告年度", min_value=2008, max_value=2100)
    deadline = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    roster = forms.FileField(label="名单文件（.xlsx、.csv 或 .txt，与 reportgen distribute 读的相同）", required=False)
    column = forms.CharField(label="名单中机关名称所在的列（字母如 B、序号如 2，或标题如 单位名称；不填则按标题自动找）",
                             max_length=50, required=False)
    last_year = forms.FileField(label="上年已接收的工作簿（可选：一个 .zip，内含各机关上年的 .xlsx；用于预填“上年结转”和跨年度检查）",
                                required=False)
    names = forms.CharField(label="或直接输入机关名称（每行一个）", widget=forms.Textarea(attrs={"rows": 6}),
                            required=False)

    def clean(self):
        data = super().clean()
        if not data.get("roster") and not (data.get("names") or "").strip():
            raise forms.ValidationError("请上传名单文件，或输入机关名称。")
        return data


class UploadForm(forms.Form):
    workbook = forms.FileField(label="填好的工作簿（.xlsx）")


class DecisionForm(forms.Form):
    note = forms.CharField(label="说明（机关可以看到）", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           max_length=2000)


class AccountForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码（至少 10 位）", widget=forms.PasswordInput, min_length=10)
    password2 = forms.CharField(label="再输入一次密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password2"):
            raise forms.ValidationError("两次输入的密码不一致。")
        return data


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()  # the office's day (settings.TIME_ZONE), not the server process's
