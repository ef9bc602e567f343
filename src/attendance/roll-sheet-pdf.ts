import PDFDocument from 'pdfkit';
import { Diet } from '../families/child.entity';
import { day, msg, render, type Language, type Message } from '../shared/i18n';
import { mealsByDiet, WALK_IN_LINES, type RollSession } from './roll-sheet.service';

const LEFT = 40;
const ROW = 18;
const BOX = 10;

/**
 * The day's roll sheets as one printable A4 PDF (pdfkit), in the tenant's language: a page (or
 * more) per session — the school, the service, a box to tick present and one absent per expected
 * child with their class and diet (allergy plans highlighted and in bold), blank lines for
 * walk-ins, and the meals expected per diet for the kitchen.
 */
export async function rollPdf(
  sessions: RollSession[],
  date: string,
  tenantName: string,
  language: Language,
): Promise<Buffer> {
  const t = (message: Message) => render(message, language);
  const title = t(msg('roll.title', { date: day(date) }));
  const doc = new PDFDocument({ size: 'A4', margin: LEFT, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const bottom = doc.page.height - LEFT - ROW;
  const columns = t(msg('roll.columns'))
    .split('|')
    .map((c) => c.trim());

  const heading = (session: RollSession) => {
    doc.font('Helvetica').fontSize(10).fillColor('black').text(tenantName, LEFT, LEFT);
    doc.font('Helvetica-Bold').fontSize(16).text(title);
    const period = t(msg('roll.period', { period: session.period }));
    doc
      .fontSize(12)
      .text(t(msg('roll.session', { facility: session.facility, service: session.service, period })));
    doc.moveDown(0.5).font('Helvetica-Bold').fontSize(10);
    const y = doc.y;
    doc.text(columns[0], LEFT, y, { width: 45 });
    doc.text(columns[1], LEFT + 45, y, { width: 45 });
    doc.text(columns[2], LEFT + 95, y, { width: 230 });
    doc.text(columns[3], LEFT + 330, y, { width: 90 });
    doc.text(columns[4], LEFT + 420, y, { width: 100 });
    doc
      .font('Helvetica')
      .moveTo(LEFT, y + ROW - 4)
      .lineTo(doc.page.width - LEFT, y + ROW - 4)
      .stroke();
    doc.y = y + ROW;
  };
  const line = (name: string, schoolClass: string, diet: Diet | null) => {
    if (doc.y > bottom) {
      doc.addPage();
      doc.y = LEFT;
    }
    const y = doc.y;
    const allergy = diet === Diet.ALLERGY_PLAN;
    if (allergy)
      doc
        .rect(LEFT - 4, y - 4, doc.page.width - 2 * LEFT + 8, ROW)
        .fill('#ffe08a')
        .fillColor('black');
    doc.rect(LEFT + 12, y - 1, BOX, BOX).stroke();
    doc.rect(LEFT + 57, y - 1, BOX, BOX).stroke();
    doc.font(allergy ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    doc.text(name, LEFT + 95, y, { width: 230, lineBreak: false });
    doc.text(schoolClass, LEFT + 330, y, { width: 90, lineBreak: false });
    doc.text(diet ? t(msg('roll.diet', { diet })) : '', LEFT + 420, y, { width: 100, lineBreak: false });
    doc.y = y + ROW;
  };

  if (!sessions.length)
    doc
      .font('Helvetica')
      .fontSize(12)
      .text(t(msg('roll.none', { date: day(date) })));
  sessions.forEach((session, index) => {
    if (index > 0) doc.addPage();
    heading(session);
    for (const child of session.children) {
      line(`${child.lastName} ${child.firstName}`, child.schoolClass ?? '', child.diet);
    }
    doc
      .moveDown(0.5)
      .font('Helvetica-Bold')
      .text(t(msg('roll.walkIns')), LEFT);
    doc.moveDown(0.3);
    for (let i = 0; i < WALK_IN_LINES; i++) {
      line('', '', null);
      doc
        .moveTo(LEFT + 95, doc.y - 6)
        .lineTo(doc.page.width - LEFT, doc.y - 6)
        .dash(2, { space: 2 })
        .stroke()
        .undash();
    }
    const meals = mealsByDiet(session);
    doc.moveDown(0.5).font('Helvetica-Bold').fontSize(11);
    doc.text(
      t(
        msg('roll.meals', {
          standard: meals.STANDARD,
          noPork: meals.NO_PORK,
          vegetarian: meals.VEGETARIAN,
          allergyPlan: meals.ALLERGY_PLAN,
          total: session.children.length,
        }),
      ),
      LEFT,
    );
  });
  doc.end();
  return done;
}
