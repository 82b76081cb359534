"""Annual reports and assessments, cycle assessments, rectification (第九条 to 第十一条)."""
