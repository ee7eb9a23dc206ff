# Exports: the summary tables (CSV, XLSX) and the labels of the microdata files (XLSX, SPSS).

## Columns of the summary tables.

export-col-question = вопрос
export-col-question-text = текст вопроса
export-col-breakdown = разрез
export-col-category = категория
export-col-code = код
export-col-option = вариант
export-col-value = значение, %/среднее
export-col-ci-low = 95% ДИ от
export-col-ci-high = 95% ДИ до
export-col-n = n
export-col-base = база
export-col-significant = значимо
export-col-note = примечание

## Rows and notes of the summary tables.

export-suppressed-note = не публикуется: меньше { $min_cell ->
        [one] { $min_cell } ответившего
       *[other] { $min_cell } ответивших
    }
export-hard-to-say = затрудняюсь ответить
export-mean = среднее
export-median = медиана
export-answered = ответили
export-survey = опрос
export-respondents = респондентов
export-effective-n = эффективный размер выборки
export-unweighted = не взвешено
export-weighting = взвешивание
export-intervals = интервалы
export-cells-under = ячейки меньше
export-cells-suppressed = не публикуются (—)
export-xlsx-note = Доли в %, 95% доверительные интервалы. Ячейки, где меньше { $min_cell ->
        [one] { $min_cell } ответившего
       *[other] { $min_cell } ответивших
    }, не публикуются (—).

## The variables sheet of the XLSX microdata.

export-var-variable = переменная
export-var-type = тип
export-var-question-text = текст вопроса
export-var-code = код
export-var-value = значение
export-var-weight = итоговый вес респондента (пусто: исключён из взвешивания)
export-var-codes = коды через ;
export-var-ranked-codes = коды по важности через ;

## Value labels of the SPSS file.

export-spss-not-asked = не задавался
export-spss-no-answer = нет ответа
export-spss-chosen = выбран
export-spss-not-chosen = не выбран
export-spss-not-ranked = не отмечен
export-spss-weight = итоговый вес
export-col-suppressed-reason = причина скрытия
export-suppressed-no-answers = скрыто: никто не ответил
export-suppressed-complementary = скрыто: иначе значение малой группы можно было бы вычислить из итога
export-spss-quality-flags = флаги проверки качества
export-spss-quality-decision = решение по проверке качества
